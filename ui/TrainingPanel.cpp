#include "TrainingPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTextStream>
#include <QToolTip>
#include <QVBoxLayout>
#include "QCustomPlotInclude.h"

#include <cmath>

namespace ctsw {

namespace {
// Loss terms in the order and colours of the legend.
const QList<QPair<QString, QColor>>& lossStyles() {
    static const QList<QPair<QString, QColor>> s = {
        {QStringLiteral("d"), QColor(120, 120, 120)},         {QStringLiteral("g_adv"), QColor(230, 120, 20)},
        {QStringLiteral("wppl"), QColor(30, 110, 220)},       {QStringLiteral("msssim"), QColor(40, 160, 70)},
        {QStringLiteral("vgg"), QColor(170, 60, 170)},        {QStringLiteral("unet"), QColor(200, 40, 40)},
        {QStringLiteral("g_total"), QColor(20, 20, 20)},
    };
    return s;
}
QString hms(double s) {
    if (s < 0 || !std::isfinite(s)) return QStringLiteral("?");
    const long t = static_cast<long>(s + 0.5);
    return QStringLiteral("%1:%2:%3").arg(t / 3600).arg((t / 60) % 60, 2, 10, QLatin1Char('0')).arg(t % 60, 2, 10, QLatin1Char('0'));
}
}  // namespace

TrainingPanel::TrainingPanel(TrainingController* controller, QWidget* parent) : QWidget(parent), controller_(controller) {
    // Controls on the left, curves on the right: side by side the dock needs half the height it would
    // stacked, and the CT image keeps most of the window.
    auto* columns = new QHBoxLayout(this);
    auto* layout = new QVBoxLayout;
    auto* curves = new QVBoxLayout;
    columns->addLayout(layout, 2);
    columns->addLayout(curves, 3);
    auto* top = new QHBoxLayout;
    preset_ = new QComboBox(this);
    preset_->addItem(tr("Fast (top scale 256)"), QStringLiteral("fast"));
    preset_->addItem(tr("Standard (fast, twice the iterations)"), QStringLiteral("standard"));
    preset_->addItem(tr("Paper (9 scales to 512)"), QStringLiteral("paper"));
    preset_->addItem(tr("Smoke test (seconds)"), QStringLiteral("smoke"));
    top->addWidget(new QLabel(tr("Preset:"), this));
    top->addWidget(preset_);
    estimate_ = new QLabel(this);
    estimate_->setWordWrap(true);
    top->addStretch(1);
    layout->addLayout(top);
    layout->addWidget(estimate_);  // its own row: the column is narrow
    device_ = new QLabel(tr("Device: asking cosingan..."), this);
    device_->setWordWrap(true);
    layout->addWidget(device_);

    auto* buttons = new QHBoxLayout;
    start_ = new QPushButton(tr("Start"), this);
    pause_ = new QPushButton(tr("Pause"), this);
    stop_ = new QPushButton(tr("Stop"), this);
    cancel_ = new QPushButton(tr("Cancel"), this);
    resume_ = new QPushButton(tr("Resume"), this);
    start_->setToolTip(tr("Train on the training slice (Ctrl+T marks it) and its mask"));
    stop_->setToolTip(tr("Finish the current iteration, keep a checkpoint; Resume continues later"));
    cancel_->setToolTip(tr("End training at once and discard this run"));
    auto* buttons2 = new QHBoxLayout;  // two rows keep the column narrow
    for (QPushButton* b : {start_, pause_, stop_}) buttons->addWidget(b);
    for (QPushButton* b : {cancel_, resume_}) buttons2->addWidget(b);
    buttons2->addStretch(1);
    layout->addLayout(buttons);
    layout->addLayout(buttons2);

    bar_ = new QProgressBar(this);
    bar_->setRange(0, 1000);
    status_ = new QLabel(tr("Not started"), this);
    layout->addWidget(bar_);
    layout->addWidget(status_);

    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(120);
    plot_->legend->setVisible(true);
    plot_->legend->setFont(QFont(font().family(), 7));
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setWrap(4);  // two compact rows, so the curves keep the room
    plot_->xAxis->setLabel(tr("iteration (whole schedule)"));
    plot_->yAxis->setLabel(tr("loss"));
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    for (const auto& [name, color] : lossStyles()) {
        QCPGraph* g = plot_->addGraph();
        g->setName(name);
        g->setPen(QPen(color, 1.2));
    }
    curves->addWidget(plot_, 1);
    auto* plotOptions = new QHBoxLayout;
    logScale_ = new QCheckBox(tr("Log scale"), this);
    smooth_ = new QCheckBox(tr("Smooth"), this);
    auto* csv = new QPushButton(tr("Export CSV..."), this);
    auto* png = new QPushButton(tr("Export PNG..."), this);
    for (QWidget* w : std::initializer_list<QWidget*>{logScale_, smooth_, csv, png}) plotOptions->addWidget(w);
    plotOptions->addStretch(1);
    curves->addLayout(plotOptions);
    log_ = new QPlainTextEdit(this);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    log_->setMaximumHeight(70);
    layout->addWidget(log_, 1);

    connect(preset_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { estimate_->setText(estimateFor(preset(), cuda_)); });
    estimate_->setText(estimateFor(preset(), cuda_));
    connect(controller_, &TrainingController::deviceDescribed, this, [this](const QString& text, bool cuda) {
        cuda_ = cuda;
        device_->setText(tr("Device: %1").arg(text));
        estimate_->setText(estimateFor(preset(), cuda_));
    });
    controller_->probeDevice();
    connect(start_, &QPushButton::clicked, this, [this] {
        xs_.clear();
        ys_.clear();
        plot_->clearItems();
        for (int i = 0; i < plot_->graphCount(); ++i) plot_->graph(i)->data()->clear();
        if (startHandler_) startHandler_(preset());
    });
    connect(pause_, &QPushButton::clicked, this, [this] {
        if (controller_->state() == TrainingController::State::Paused) controller_->unpause();
        else controller_->pause();
    });
    connect(stop_, &QPushButton::clicked, controller_, &TrainingController::stop);
    connect(cancel_, &QPushButton::clicked, controller_, &TrainingController::cancel);
    connect(resume_, &QPushButton::clicked, controller_, &TrainingController::resume);
    connect(logScale_, &QCheckBox::toggled, this, &TrainingPanel::replot);
    connect(smooth_, &QCheckBox::toggled, this, &TrainingPanel::replot);
    connect(csv, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export loss curves"), QString(), tr("CSV (*.csv)"));
        if (!f.isEmpty()) exportCsv(f);
    });
    connect(png, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Export loss plot"), QString(), tr("PNG (*.png)"));
        if (!f.isEmpty()) plot_->savePng(f, 1200, 600);
    });
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        // Hover: the values of every curve at the iteration under the cursor.
        const double x = plot_->xAxis->pixelToCoord(e->position().x());
        QStringList lines{tr("iteration %1").arg(x, 0, 'f', 0)};
        for (int i = 0; i < plot_->graphCount(); ++i) {
            auto data = plot_->graph(i)->data();
            if (data->isEmpty()) continue;
            auto it = data->findBegin(x);
            if (it != data->constEnd()) lines << QStringLiteral("%1: %2").arg(plot_->graph(i)->name()).arg(it->value, 0, 'g', 4);
        }
        QToolTip::showText(e->globalPosition().toPoint(), lines.join(QLatin1Char('\n')), plot_);
    });

    connect(controller_, &TrainingController::lossPoint, this, [this](double x, const QVariantMap& losses, int, int) { addPoint(x, losses); });
    connect(controller_, &TrainingController::stageStarted, this, &TrainingPanel::markStage);
    connect(controller_, &TrainingController::progressChanged, this, &TrainingPanel::updateProgress);
    connect(controller_, &TrainingController::stateChanged, this, [this] {
        updateButtons();
        updateProgress();
    });
    connect(controller_, &TrainingController::message, this, [this](const QString& m) { log_->appendPlainText(m); });
    connect(controller_, &TrainingController::stalledChanged, this, [this](bool s) {
        if (s) status_->setText(tr("No word from the trainer for %1 s: it may be stalled. Stop or Cancel it if it does not recover.").arg(controller_->stallSeconds()));
    });
    updateButtons();
}

QString TrainingPanel::preset() const { return preset_->currentData().toString(); }

QString TrainingPanel::deviceText() const { return device_->text(); }

QString TrainingPanel::estimateFor(const QString& p, bool cuda) {
    // Measured (docs/cosingan.md, "Quality against training time"): minutes on 2 CPU cores and on an
    // NVIDIA H200 with CUDA LibTorch 2.11; quality with `cosingan quality` on MedSeg slice 29 (judge:
    // the seg-train cpu recipe, images of 8 other slices' masks).
    QString time;
    if (cuda) {
        if (p == QLatin1String("fast")) time = tr("About 2 minutes on a current GPU (103 s measured on an NVIDIA H200).");
        else if (p == QLatin1String("standard")) time = tr("About 4 minutes on a current GPU (twice fast's iterations; not measured on a GPU).");
        else if (p == QLatin1String("paper")) time = tr("About 40 minutes on a current GPU (per-iteration times measured on an NVIDIA H200).");
    } else {
        if (p == QLatin1String("fast")) time = tr("About 8 to 15 minutes on 2 CPU cores (12.2 measured on a 2-core Intel Xeon; 14.9 on a slower AMD EPYC with the previous settings).");
        else if (p == QLatin1String("standard")) time = tr("About 20 to 35 minutes on 2 CPU cores (26.2 measured on the Intel Xeon where fast took 12.2).");
        else if (p == QLatin1String("paper")) time = tr("About 65 hours on 2 CPU cores: a job for a GPU (cosingan train --device cuda).");
    }
    if (time.isEmpty()) return tr("A few seconds; for checking the set-up, not for use.");
    QString quality;
    if (p == QLatin1String("fast"))
        quality = tr("Measured on a MedSeg slice with two seeds: it reconstructs its slice with SSIM 0.86-0.90; a judge segmenter finds lung 0.96 and infection 0.72-0.73 DSC in images of other slices' masks; a painted lesion comes out 17-35 grey levels below the slice's real infection.");
    else if (p == QLatin1String("standard"))
        quality = tr("Measured on a MedSeg slice: SSIM 0.93 against fast's 0.90, judge lung 0.95 and infection 0.63 DSC; finer texture, not better masks.");
    else if (p == QLatin1String("paper"))
        quality = tr("The paper's schedule at 512 px.");
    return time + QLatin1Char(' ') + quality;
}

void TrainingPanel::addPoint(double x, const QVariantMap& losses) {
    for (auto it = losses.constBegin(); it != losses.constEnd(); ++it) {
        xs_[it.key()].append(x);
        ys_[it.key()].append(it.value().toDouble());
    }
    replot();
}

void TrainingPanel::markStage(double x, int scale, int stage) {
    auto* line = new QCPItemStraightLine(plot_);
    line->point1->setCoords(x, 0);
    line->point2->setCoords(x, 1);
    line->setPen(QPen(stage == 1 ? QColor(0, 0, 0, 90) : QColor(0, 0, 0, 40), 1, stage == 1 ? Qt::SolidLine : Qt::DashLine));
    auto* label = new QCPItemText(plot_);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(x, 0.02);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setText(QStringLiteral("s%1.%2").arg(scale + 1).arg(stage));
    label->setFont(QFont(font().family(), 7));
    replot();
}

void TrainingPanel::replot() {
    plot_->yAxis->setScaleType(logScale_->isChecked() ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    for (int i = 0; i < plot_->graphCount(); ++i) {
        QCPGraph* g = plot_->graph(i);
        const QVector<double>& x = xs_.value(g->name());
        QVector<double> y = ys_.value(g->name());
        if (smooth_->isChecked()) {
            // Exponential moving average: the trend through the noise of augmented batches.
            double m = y.isEmpty() ? 0 : y.first();
            for (double& v : y) v = m = 0.9 * m + 0.1 * v;
        }
        if (logScale_->isChecked())
            for (double& v : y) v = std::max(v, 1e-6);
        g->setData(x, y, true);
    }
    plot_->rescaleAxes();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingPanel::updateButtons() {
    using S = TrainingController::State;
    const S s = controller_->state();
    start_->setEnabled(!controller_->active());
    preset_->setEnabled(!controller_->active());
    pause_->setEnabled(s == S::Running || s == S::Paused);
    pause_->setText(s == S::Paused ? tr("Continue") : tr("Pause"));
    stop_->setEnabled(s == S::Running || s == S::Paused);
    cancel_->setEnabled(controller_->active());
    resume_->setEnabled((s == S::Stopped || s == S::Failed) && !controller_->modelDir().isEmpty());
}

void TrainingPanel::updateProgress() {
    using S = TrainingController::State;
    const auto& p = controller_->progress();
    if (p.total > 0) bar_->setValue(static_cast<int>(1000.0 * p.overall / p.total));
    QString text;
    switch (controller_->state()) {
    case S::Idle: text = tr("Not started"); break;
    case S::Running:
        text = p.phase == QLatin1String("feature-unet")
                   ? tr("Training the feature U-Net on the slice: %1 / %2").arg(p.iteration).arg(p.iterations)
                   : tr("Scale %1 of %2 (%3 px), stage %4: iteration %5 / %6  |  %7 it/s  |  ETA %8")
                         .arg(p.scale + 1).arg(p.scales).arg(p.size).arg(p.stage).arg(p.iteration).arg(p.iterations)
                         .arg(p.iterationsPerSecond, 0, 'f', 1).arg(hms(p.etaSeconds));
        break;
    case S::Paused: text = tr("Paused (the trainer keeps its state; Continue goes on)"); break;
    case S::Stopping: text = tr("Stopping... (finishing the iteration and writing a checkpoint)"); break;
    case S::Stopped: text = tr("Stopped with a checkpoint; Resume continues from it"); break;
    case S::Finished:
        bar_->setValue(1000);
        text = tr("Finished: model in %1").arg(controller_->modelDir());
        break;
    case S::Failed:
        text = tr("Failed: %1").arg(controller_->failureReason());
        if (!controller_->failureHint().isEmpty()) text += QStringLiteral("\n") + tr("Hint: %1").arg(controller_->failureHint());
        break;
    case S::Cancelled: text = tr("Cancelled; the run was discarded"); break;
    }
    status_->setText(text);
}

bool TrainingPanel::exportCsv(const QString& path) const {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream out(&f);
    out << "loss,iteration,value\n";
    for (auto it = xs_.constBegin(); it != xs_.constEnd(); ++it) {
        const auto& ys = ys_[it.key()];
        for (int i = 0; i < it.value().size(); ++i) out << it.key() << ',' << it.value()[i] << ',' << ys[i] << '\n';
    }
    return true;
}

}  // namespace ctsw
