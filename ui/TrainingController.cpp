#include "TrainingController.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QVariantMap>
#include <csignal>

namespace ctsw {

TrainingController::TrainingController(QObject* parent) : QObject(parent) {
    watchdog_.setInterval(1000);
    connect(&watchdog_, &QTimer::timeout, this, &TrainingController::checkWatchdog);
}

TrainingController::~TrainingController() {
    // Leaving the workbench stops training cleanly (a checkpoint is written) rather than orphaning it.
    if (probe_) probe_->disconnect(this);
    if (process_ && process_->state() != QProcess::NotRunning) {
        // No more events into a controller (and panels) being destroyed: waiting below delivers the
        // child's last output, which used to reach half-destroyed objects.
        process_->disconnect(this);
        ::kill(static_cast<pid_t>(process_->processId()), SIGCONT);
        process_->terminate();
        if (!process_->waitForFinished(30000)) process_->kill();
    }
}

QString TrainingController::findTrainer() {
    const QString env = qEnvironmentVariable("CTSW_COSINGAN");
    if (!env.isEmpty()) return env;
    const QDir dir(QCoreApplication::applicationDirPath());
    for (const QString& candidate : {dir.filePath(QStringLiteral("cosingan")), dir.filePath(QStringLiteral("../cli/cosingan")),
                                     dir.filePath(QStringLiteral("../../app/cli/cosingan"))})
        if (QFileInfo(candidate).isExecutable()) return QFileInfo(candidate).absoluteFilePath();
    return {};
}

void TrainingController::probeDevice() {
    const QString trainer = findTrainer();
    if (trainer.isEmpty()) {
        Q_EMIT deviceDescribed(tr("Device unknown: the cosingan tool was not found beside the workbench"), false);
        return;
    }
    if (probe_) return;  // one question at a time
    probe_ = new QProcess(this);
    connect(probe_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        const QByteArray out = probe_->readAllStandardOutput();
        probe_->deleteLater();
        probe_ = nullptr;
        if (status != QProcess::NormalExit || code != 0) {
            Q_EMIT deviceDescribed(tr("Device unknown: cosingan device failed"), false);
            return;
        }
        try {
            bool cuda = false;
            const QString text = describeDevice(Json::parse(out.toStdString()), &cuda);
            Q_EMIT deviceDescribed(text, cuda);
        } catch (const std::exception&) {
            Q_EMIT deviceDescribed(tr("Device unknown: cosingan device gave no report"), false);
        }
    });
    connect(probe_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart || !probe_) return;
        probe_->deleteLater();
        probe_ = nullptr;
        Q_EMIT deviceDescribed(tr("Device unknown: cosingan could not be started"), false);
    });
    QStringList args{QStringLiteral("device"), QStringLiteral("--json")};
    if (!threads_.isEmpty()) args << QStringLiteral("--threads") << threads_;
    probe_->start(trainer, args);
}

QString TrainingController::describeDevice(const Json& report, bool* cuda) {
    const bool onCuda = report.boolOr("cuda", false);
    if (cuda) *cuda = onCuda;
    const QString libtorch = QString::fromStdString(report.stringOr("libtorch", "?"));
    if (onCuda) {
        QString text = tr("CUDA");
        if (report.contains("gpus") && report.at("gpus").size() > 0) {
            const Json& g = report.at("gpus")[0];
            text = tr("CUDA: %1, %2 GiB (%3 GiB free)")
                       .arg(QString::fromStdString(g.stringOr("name", "GPU")))
                       .arg(g.numberOr("memory_total_mib", 0) / 1024.0, 0, 'f', 1)
                       .arg(g.numberOr("memory_free_mib", 0) / 1024.0, 0, 'f', 1);
        }
        return text + tr(" - LibTorch %1").arg(libtorch);
    }
    const int threads = static_cast<int>(report.numberOr("cpu_threads", 1));
    QString text = threads == 1 ? tr("CPU, 1 thread") : tr("CPU, %1 threads").arg(threads);
    if (report.contains("gpus") && report.at("gpus").size() > 0)
        text += tr(" - the GPU %1 is present but this LibTorch (%2) has no CUDA").arg(QString::fromStdString(report.at("gpus")[0].stringOr("name", "?")), libtorch);
    else
        text += tr(" - no GPU (LibTorch %1)").arg(libtorch);
    return text;
}

void TrainingController::setState(State s) {
    if (s == state_) return;
    state_ = s;
    if (active()) {
        if (!watchdog_.isActive()) watchdog_.start();
    } else {
        watchdog_.stop();
    }
    if (stalled_) {
        stalled_ = false;
        Q_EMIT stalledChanged(false);
    }
    Q_EMIT stateChanged(s);
}

void TrainingController::launch(const QStringList& arguments) {
    const QString trainer = findTrainer();
    reason_.clear();
    hint_.clear();
    sawTerminalEvent_ = false;
    stream_ = JsonLineStream();
    if (trainer.isEmpty()) {
        reason_ = tr("the cosingan tool was not found beside the workbench");
        hint_ = tr("build the project (cmake --build build) or set CTSW_COSINGAN");
        setState(State::Failed);
        return;
    }
    process_ = std::make_unique<QProcess>();
    process_->setProcessChannelMode(QProcess::SeparateChannels);
    connect(process_.get(), &QProcess::readyReadStandardOutput, this, [this] { handleOutput(process_->readAllStandardOutput()); });
    connect(process_.get(), &QProcess::readyReadStandardError, this, [this] {
        const QString text = QString::fromUtf8(process_->readAllStandardError()).trimmed();
        if (!text.isEmpty()) Q_EMIT message(text);
    });
    connect(process_.get(), &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        handleOutput(process_->readAllStandardOutput());
        handleExit(code, status == QProcess::CrashExit);
    });
    connect(process_.get(), &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            reason_ = tr("could not start %1").arg(process_->program());
            setState(State::Failed);
        }
    });
    sinceEvent_.start();
    setState(State::Running);
    process_->start(trainer, QStringList{QStringLiteral("train")} + arguments + QStringList{QStringLiteral("--events"), QStringLiteral("jsonl")});
}

void TrainingController::start(const QString& modelDir, const QStringList& trainArguments) {
    if (active()) return;
    modelDir_ = modelDir;
    progress_ = Progress{};
    lastScale_ = lastStage_ = -1;
    launch(trainArguments + QStringList{QStringLiteral("--out"), modelDir});
}

void TrainingController::resume() {
    if (active() || modelDir_.isEmpty()) return;
    // The stage in progress keeps its mark on the curves; only new stages get one.
    launch({QStringLiteral("--resume"), QStringLiteral("--out"), modelDir_});
}

void TrainingController::pause() {
    if (state_ != State::Running || !process_) return;
    ::kill(static_cast<pid_t>(process_->processId()), SIGSTOP);
    setState(State::Paused);
}

void TrainingController::unpause() {
    if (state_ != State::Paused || !process_) return;
    ::kill(static_cast<pid_t>(process_->processId()), SIGCONT);
    sinceEvent_.restart();
    setState(State::Running);
}

void TrainingController::stop() {
    if ((state_ != State::Running && state_ != State::Paused) || !process_) return;
    // "Stopping..." shows at once; the trainer needs up to one iteration to write its checkpoint.
    ::kill(static_cast<pid_t>(process_->processId()), SIGCONT);
    setState(State::Stopping);
    ::kill(static_cast<pid_t>(process_->processId()), SIGTERM);
}

void TrainingController::cancel() {
    if (process_ && process_->state() != QProcess::NotRunning) {
        sawTerminalEvent_ = true;  // the exit that follows is ours
        process_->kill();
        process_->waitForFinished(10000);
    }
    if (!modelDir_.isEmpty()) QDir(modelDir_).removeRecursively();
    setState(State::Cancelled);
}

void TrainingController::handleOutput(const QByteArray& chunk) {
    for (const Json& e : stream_.feed(std::string_view(chunk.constData(), static_cast<std::size_t>(chunk.size())))) handleEvent(e);
    for (const std::string& bad : stream_.takeErrors()) Q_EMIT message(tr("unreadable trainer output: %1").arg(QString::fromStdString(bad)));
}

void TrainingController::handleEvent(const Json& e) {
    sinceEvent_.restart();
    if (stalled_) {
        stalled_ = false;
        Q_EMIT stalledChanged(false);
    }
    const std::string type = e.stringOr("type", "");
    if (type == "progress") {
        progress_.phase = QString::fromStdString(e.stringOr("phase", ""));
        progress_.iteration = static_cast<int>(e.numberOr("iteration", 0));
        if (progress_.phase == QLatin1String("gan")) {
            progress_.scale = static_cast<int>(e.numberOr("scale", 0));
            progress_.scales = static_cast<int>(e.numberOr("scales", 0));
            progress_.size = static_cast<int>(e.numberOr("size", 0));
            progress_.stage = static_cast<int>(e.numberOr("stage", 0));
            progress_.iterations = static_cast<int>(e.numberOr("iterations", 0));
            progress_.overall = e.numberOr("overall_iteration", 0);
            progress_.total = e.numberOr("iterations_total", 0);
            progress_.iterationsPerSecond = e.numberOr("iterations_per_second", 0);
            progress_.etaSeconds = e.numberOr("eta_seconds", -1);
            if (progress_.scale != lastScale_ || progress_.stage != lastStage_) {
                lastScale_ = progress_.scale;
                lastStage_ = progress_.stage;
                Q_EMIT stageStarted(progress_.overall, progress_.scale, progress_.stage);
            }
            QVariantMap losses;
            for (const auto& [key, value] : e.asObject())
                if (key.rfind("loss_", 0) == 0 && value.isNumber()) losses.insert(QString::fromStdString(key.substr(5)), value.asNumber());
            Q_EMIT lossPoint(progress_.overall, losses, progress_.scale, progress_.stage);
        } else {
            progress_.iterations = static_cast<int>(e.numberOr("iterations_total", 0));
        }
        Q_EMIT progressChanged();
    } else if (type == "started") {
        progress_.total = e.numberOr("iterations_total", 0);
        // The engine's device and precision texts are English in every language (as in the CLI).
        std::string device = e.stringOr("device", "");
        if (e.contains("precision")) device += " — " + e.stringOr("precision", "");
        Q_EMIT message(tr("training on %1").arg(QString::fromStdString(device)));
    } else if (type == "notice") {
        Q_EMIT message(QString::fromStdString(e.stringOr("message", "")));
    } else if (type == "checkpoint") {
        Q_EMIT message(tr("checkpoint: scale %1, stage %2, iteration %3").arg(e.numberOr("scale", 0) + 1).arg(e.numberOr("stage", 0)).arg(e.numberOr("iteration", 0)));
    } else if (type == "stopped") {
        sawTerminalEvent_ = true;
        setState(State::Stopped);
    } else if (type == "finished") {
        sawTerminalEvent_ = true;
        setState(State::Finished);
    } else if (type == "failed") {
        sawTerminalEvent_ = true;
        reason_ = QString::fromStdString(e.stringOr("reason", "unknown"));
        hint_ = QString::fromStdString(e.stringOr("hint", ""));
        setState(State::Failed);
    }
}

void TrainingController::handleExit(int exitCode, bool crashed) {
    if (state_ == State::Cancelled) return;
    if (!sawTerminalEvent_ || (crashed && state_ != State::Stopped && state_ != State::Finished)) {
        // The trainer died without saying why: a crash, the out-of-memory killer, a missing library.
        reason_ = crashed ? tr("the trainer crashed (killed by a signal, possibly out of memory)")
                          : tr("the trainer exited with code %1 without a result").arg(exitCode);
        hint_ = tr("the last checkpoint is kept; Resume continues from it");
        setState(State::Failed);
    }
}

void TrainingController::checkWatchdog() {
    if (state_ != State::Running) return;
    const bool nowStalled = sinceEvent_.isValid() && sinceEvent_.elapsed() > stallSeconds_ * 1000LL;
    if (nowStalled != stalled_) {
        stalled_ = nowStalled;
        Q_EMIT stalledChanged(stalled_);
    }
}

}  // namespace ctsw
