#pragma once
// Runs `cosingan train --events jsonl` as a child process and turns its event stream into states,
// progress and loss points. A crash or out-of-memory in training ends the child, never the workbench.
// The state machine is driven by handleEvent()/handleExit(), so tests can feed it without a process.
#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <memory>

#include "jobs/JsonLines.h"
#include "json/Json.h"

namespace ctsw {

class TrainingController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Stopping, Stopped, Finished, Failed, Cancelled };
    Q_ENUM(State)

    struct Progress {
        int scale = 0, scales = 0, size = 0, stage = 0, iteration = 0, iterations = 0;
        double overall = 0, total = 0;  // iterations over the whole schedule
        double iterationsPerSecond = 0, etaSeconds = -1;
        QString phase;  // "feature-unet" or "gan"
    };

    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;

    State state() const { return state_; }
    bool active() const { return state_ == State::Running || state_ == State::Paused || state_ == State::Stopping; }
    const Progress& progress() const { return progress_; }
    QString failureReason() const { return reason_; }
    QString failureHint() const { return hint_; }
    QString modelDir() const { return modelDir_; }
    bool stalled() const { return stalled_; }
    qint64 processId() const { return process_ ? process_->processId() : 0; }  // 0 when no child runs
    int stallSeconds() const { return stallSeconds_; }
    void setStallSeconds(int s) { stallSeconds_ = s; }

    // The cosingan executable: $CTSW_COSINGAN, beside the workbench, or the build tree's app/cli.
    static QString findTrainer();
    // Starts a new run (arguments after "train": image, mask, preset, ...) writing into modelDir.
    void start(const QString& modelDir, const QStringList& trainArguments);
    // Continues a stopped or failed run from its last checkpoint.
    void resume();
    void pause();      // SIGSTOP: the child keeps its memory, uses no CPU
    void unpause();    // SIGCONT
    void stop();       // SIGTERM: the trainer finishes the iteration, writes a checkpoint, exits 0
    void cancel();     // SIGKILL and the run's model folder is removed

    // Asks `cosingan device --json` (in the background) which device training will use; the answer
    // comes as deviceDescribed(). Before Start, so that the user sees GPU or CPU and its memory.
    void probeDevice();
    // One line from that report: "CUDA: NVIDIA H200, 140.4 GiB (139.8 GiB free)" or "CPU, 2 threads (...)".
    static QString describeDevice(const Json& report, bool* cuda = nullptr);

    // --- the state machine's inputs (public for tests)
    void handleEvent(const Json& event);
    void handleExit(int exitCode, bool crashed);
    void handleOutput(const QByteArray& chunk);

Q_SIGNALS:
    void stateChanged(ctsw::TrainingController::State state);
    void progressChanged();
    // One point per progress event: overall iteration and every loss term by name.
    void lossPoint(double overallIteration, const QVariantMap& losses, int scale, int stage);
    void stageStarted(double overallIteration, int scale, int stage);
    void message(const QString& text);  // notices and checkpoints, for a log
    void stalledChanged(bool stalled);
    void deviceDescribed(const QString& text, bool cuda);

private:
    void setState(State s);
    void launch(const QStringList& arguments);
    void checkWatchdog();

    std::unique_ptr<QProcess> process_;
    QProcess* probe_ = nullptr;
    JsonLineStream stream_;
    State state_ = State::Idle;
    Progress progress_;
    QString reason_, hint_, modelDir_;
    QString threads_;
    int lastScale_ = -1, lastStage_ = -1;
    QTimer watchdog_;
    QElapsedTimer sinceEvent_;
    int stallSeconds_ = 120;
    bool stalled_ = false;
    bool sawTerminalEvent_ = false;
};

}  // namespace ctsw
