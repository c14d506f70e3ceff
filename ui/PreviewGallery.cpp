#include "PreviewGallery.h"

#include "dataset/DatasetJob.h"

#include <algorithm>

#include <QCheckBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QSpinBox>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>
#include <QDialog>
#include <QScrollArea>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <cmath>
#include <limits>

#include "eval/Quality.h"
#include "gan/DatasetExport.h"
#include "gan/Engine.h"
#include "io/ImageFiles.h"

namespace ctsw {

namespace {

// A number in a report, NaN where it is missing or null (an undefined DSC).
double numberIn(const Json* object, const char* key) {
    const Json* v = object ? object->find(key) : nullptr;
    return v && v->isNumber() ? v->asNumber() : std::numeric_limits<double>::quiet_NaN();
}

QString figure(double v, int decimals = 2) { return std::isnan(v) ? QStringLiteral("-") : QString::number(v, 'f', decimals); }

}  // namespace

PreviewGallery::PreviewGallery(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* options = new QHBoxLayout;
    count_ = new QSpinBox(this);
    count_->setRange(1, 32);
    count_->setValue(8);
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1000000);
    seed_->setValue(1);
    rc_ = new QCheckBox(tr("Randomized condition"), this);
    rc_->setChecked(true);
    dropout_ = new QCheckBox(tr("Test-time dropout"), this);
    rcBackground_ = new QSpinBox(this);
    rcLung_ = new QSpinBox(this);
    rcInfection_ = new QSpinBox(this);
    for (QSpinBox* b : {rcBackground_, rcLung_, rcInfection_}) {
        b->setRange(0, 128);
        b->setToolTip(tr("Randomized-condition magnitude on the 0-255 label scale (background, lung, infection)"));
    }
    rcBackground_->setValue(16);
    rcLung_->setValue(16);
    rcInfection_->setValue(32);
    randomAlpha_ = new QCheckBox(tr("Random alpha"), this);
    randomAlpha_->setChecked(true);
    alpha_ = new QDoubleSpinBox(this);
    alpha_->setRange(0.0, 1.0);
    alpha_->setSingleStep(0.1);
    alpha_->setValue(0.5);
    // Two short rows, so that the dock does not force the window wider than the screen.
    auto* row2 = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Samples"), this));
    options->addWidget(count_);
    options->addWidget(new QLabel(tr("Seed"), this));
    options->addWidget(seed_);
    options->addWidget(rc_);
    for (QSpinBox* b : {rcBackground_, rcLung_, rcInfection_}) options->addWidget(b);
    options->addWidget(dropout_);
    options->addStretch(1);
    row2->addWidget(new QLabel(tr("Fusion alpha"), this));
    row2->addWidget(randomAlpha_);
    row2->addWidget(alpha_);
    ab_ = new QPushButton(tr("Hold: real slice"), this);
    ab_->setToolTip(tr("While pressed, every tile shows the real training slice (A/B comparison)"));
    row2->addWidget(ab_);
    judgeButton_ = new QPushButton(tr("Judge: none"), this);
    judgeButton_->setToolTip(tr("A segmentation model (cosingan seg-train) that checks every sample: its DSC and an ok/suspect flag on each tile, "
                                "and in the exported manifests"));
    auto* judgeMenu = new QMenu(judgeButton_);
    judgeMenu->addAction(tr("Choose a segmentation model..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Segmentation model folder (cosingan seg-train)"));
        if (dir.isEmpty()) return;
        const QString problem = setJudge(dir);
        if (!problem.isEmpty()) QMessageBox::warning(this, tr("Cannot use this judge"), problem);
    });
    QAction* noJudge = judgeMenu->addAction(tr("No judge"), this, [this] { setJudge({}); });
    connect(judgeMenu, &QMenu::aboutToShow, noJudge, [this, noJudge] { noJudge->setEnabled(!judgeDir_.isEmpty()); });
    judgeButton_->setMenu(judgeMenu);
    row2->addWidget(judgeButton_);
    row2->addStretch(1);
    layout->addLayout(options);
    layout->addLayout(row2);
    status_ = new QLabel(tr("No model yet: train one, or load a model folder."), this);
    layout->addWidget(status_);
    grid_ = new QGridLayout;
    grid_->setSpacing(3);
    layout->addLayout(grid_, 1);

    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(100);
    connect(debounce_, &QTimer::timeout, this, &PreviewGallery::refresh);
    for (QSpinBox* b : {count_, seed_, rcBackground_, rcLung_, rcInfection_}) connect(b, qOverload<int>(&QSpinBox::valueChanged), debounce_, qOverload<>(&QTimer::start));
    for (QCheckBox* b : {rc_, dropout_, randomAlpha_}) connect(b, &QCheckBox::toggled, debounce_, qOverload<>(&QTimer::start));
    connect(alpha_, qOverload<double>(&QDoubleSpinBox::valueChanged), debounce_, qOverload<>(&QTimer::start));
    connect(ab_, &QPushButton::pressed, this, [this] {
        for (QLabel* t : thumbs_)
            if (!real_.isNull()) t->setPixmap(QPixmap::fromImage(real_.scaled(t->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    });
    connect(ab_, &QPushButton::released, this, &PreviewGallery::layoutThumbs);
}

PreviewGallery::~PreviewGallery() {
    ++generation_;
    QThreadPool::globalInstance()->waitForDone();
}

bool PreviewGallery::hasModel() const { return synth_ != nullptr; }

QString PreviewGallery::loadModel(const QString& dir, const QString& secondDir) {
    try {
        std::lock_guard<std::mutex> lock(runMutex_);
        synth_ = std::make_shared<gan::Synthesizer>(dir.toStdString(), "auto", secondDir.toStdString());
        modelDir_ = dir;
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    {
        // The model's own magnitudes are the starting point.
        const QSignalBlocker b1(rcBackground_), b2(rcLung_), b3(rcInfection_);
        rcBackground_->setValue(static_cast<int>(synth_->config().rcBackground));
        rcLung_->setValue(static_cast<int>(synth_->config().rcLung));
        rcInfection_->setValue(static_cast<int>(synth_->config().rcInfection));
    }
    alpha_->setEnabled(synth_->hasSecondModel());
    randomAlpha_->setEnabled(synth_->hasSecondModel());
    bool stale = false;
    const Json report = eval::readRecordedQuality(dir.toStdString(), &stale);
    qualitySummary_.clear();
    if (report.contains("self")) {
        const Json* self = report.find("self");
        const Json* dice = report.find("judge") ? report.find("judge")->find("dice") : nullptr;
        qualitySummary_ = tr("quality: self SSIM %1, PSNR %2 dB").arg(figure(numberIn(self, "ssim"))).arg(figure(numberIn(self, "psnr"), 1));
        if (dice) {
            int suspect = 0, samples = 0;
            if (const Json* list = report.find("samples"))
                for (const Json& sample : list->asArray()) {
                    ++samples;
                    suspect += sample.stringOr("flag", "") == "suspect";
                }
            qualitySummary_ += tr("; judge DSC lung %1, infection %2; %3 of %4 samples suspect")
                                   .arg(figure(numberIn(dice->find("lung"), "mean")))
                                   .arg(figure(numberIn(dice->find("infection"), "mean")))
                                   .arg(suspect)
                                   .arg(samples);
        }
        if (stale) qualitySummary_ += tr(" (measured before the model was trained again)");
    }
    if (!judgeDir_.isEmpty()) {
        // The judge compares value statistics with the training slice: the new model's.
        const QString problem = loadJudge(judgeDir_);
        if (!problem.isEmpty()) status_->setText(problem);
    }
    showModelStatus();
    refresh();
    Q_EMIT modelLoaded(modelDir_);
    return {};
}

void PreviewGallery::showModelStatus() {
    if (!synth_) return;
    QString text = tr("Model %1 (%2 px)").arg(modelDir_).arg(synth_->topSize());
    text += QStringLiteral("\n") + (qualitySummary_.isEmpty() ? tr("No quality figures yet: cosingan quality --model MODEL --judge SEG_MODEL records them") : qualitySummary_);
    status_->setText(text);
}

QString PreviewGallery::setJudge(const QString& dir) {
    const QString problem = loadJudge(dir);
    if (problem.isEmpty()) refresh();
    return problem;
}

QString PreviewGallery::loadJudge(const QString& dir) {
    std::function<gan::SampleAssessment(const gan::SynthesizedSample&)> judge;
    if (!dir.isEmpty() && synth_) {
        try {
            Json description;
            judge = eval::judgeSamples(dir.toStdString(), modelDir_.toStdString(), std::nullopt, 0, description);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
    } else if (!dir.isEmpty()) {
        return tr("Load or train a model first: the judge compares its samples with the model's training slice.");
    }
    {
        std::lock_guard<std::mutex> lock(runMutex_);
        judge_ = judge;
        judgeDir_ = dir;
    }
    judgeButton_->setText(dir.isEmpty() ? tr("Judge: none") : tr("Judge: %1").arg(QFileInfo(dir).fileName()));
    Q_EMIT judgeChanged(dir);
    return {};
}

void PreviewGallery::setSource(const LabelSlice& mask, const QImage& realSlice, const CtSlice& sourceValues, bool valuesAreHu) {
    mask_ = mask;
    real_ = realSlice;
    sourceValues_ = sourceValues;
    sourceIsHu_ = valuesAreHu;
    debounce_->start();
}

void PreviewGallery::refresh() {
    if (!synth_ || mask_.empty()) return;
    const quint64 generation = ++generation_;
    gan::SynthesisOptions o;
    o.count = count_->value();
    o.seed = static_cast<std::uint64_t>(seed_->value());
    o.randomizedCondition = rc_->isChecked();
    o.dropout = dropout_->isChecked();
    o.conditionNoise = std::array<double, 3>{double(rcBackground_->value()), double(rcLung_->value()), double(rcInfection_->value())};
    if (synth_->hasSecondModel() && !randomAlpha_->isChecked()) o.fusionAlpha = alpha_->value();
    if (sourceValues_.width() == mask_.width() && sourceValues_.height() == mask_.height()) {
        o.bodySource = sourceValues_;
        o.bodySourceIsHu = sourceIsHu_;
    }
    auto synth = synth_;
    const LabelSlice mask = mask_;
    QPointer<PreviewGallery> self(this);
    status_->setText(tr("Synthesizing %1 samples...").arg(o.count));
    QThreadPool::globalInstance()->start([this, self, synth, mask, o, generation] {
        if (!self || generation != generation_) return;  // a newer request came in: drop this one
        std::lock_guard<std::mutex> lock(runMutex_);
        if (!self || generation != generation_) return;
        // OpenMP's thread count is per calling thread: without this a pool thread computes on one core.
        gan::setThreads(0);
        QElapsedTimer t;
        t.start();
        QList<QImage> images;
        QList<quint64> seeds;
        QStringList flags, details;
        try {
            for (const auto& s : synth->synthesize(mask, o)) {
                QImage img(s.image.width(), s.image.height(), QImage::Format_Grayscale8);
                for (int y = 0; y < img.height(); ++y) {
                    uchar* row = img.scanLine(y);
                    for (int x = 0; x < img.width(); ++x) row[x] = gan::unitToByte(s.image.at(x, y));
                }
                images << img;
                seeds << s.seed;
                if (!judge_) continue;
                const gan::SampleAssessment a = judge_(s);
                const Json* dice = a.quality.find("dice");
                flags << QString::fromStdString(a.quality.stringOr("flag", ""));
                QString text = tr("Judge DSC lung %1, infection %2").arg(figure(numberIn(dice, "lung"))).arg(figure(numberIn(dice, "infection")));
                if (!a.reason.empty()) text += QStringLiteral(": ") + QString::fromStdString(a.reason);
                details << text;
            }
        } catch (const std::exception& e) {
            const QString msg = QString::fromStdString(e.what());
            QMetaObject::invokeMethod(QCoreApplication::instance(), [self, msg] {
                if (self) self->status_->setText(tr("Synthesis failed: %1").arg(msg));
            }, Qt::QueuedConnection);
            return;
        }
        const double seconds = t.elapsed() / 1000.0;
        QMetaObject::invokeMethod(QCoreApplication::instance(), [self, generation, images, seeds, flags, details, seconds] {
            if (self) self->showResults(generation, images, seeds, flags, details, seconds);
        }, Qt::QueuedConnection);
    });
}

void PreviewGallery::showResults(quint64 generation, const QList<QImage>& images, const QList<quint64>& seeds, const QStringList& flags,
                                 const QStringList& details, double seconds) {
    if (generation != generation_) return;  // stale
    images_ = images;
    seeds_ = seeds;
    flags_ = flags;
    flagDetails_ = details;
    shownMask_ = mask_;
    shown_ = images.size();
    QString text = tr("%1 samples in %2 s (seeds %3 to %4)").arg(images.size()).arg(seconds, 0, 'f', 2).arg(seeds.value(0)).arg(seeds.value(seeds.size() - 1));
    if (!flags.isEmpty())
        text += tr("; judge %1: %2 ok, %3 suspect")
                    .arg(QFileInfo(judgeDir_).fileName())
                    .arg(flags.count(QStringLiteral("ok")))
                    .arg(flags.count(QStringLiteral("suspect")));
    if (!qualitySummary_.isEmpty()) text += QStringLiteral("\n") + qualitySummary_;
    status_->setText(text);
    layoutThumbs();
    Q_EMIT samplesShown(images.size(), seconds);
}

bool PreviewGallery::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::MouseButtonRelease) {
        const int i = static_cast<int>(thumbs_.indexOf(static_cast<QLabel*>(watched)));
        if (i >= 0 && i < images_.size()) {
            showSample(i);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void PreviewGallery::showSample(int i) {
    if (i < 0 || i >= images_.size()) return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Sample %1 (seed %2)").arg(i + 1).arg(seeds_.value(i)));
    auto* layout = new QVBoxLayout(&dialog);
    auto* scroll = new QScrollArea(&dialog);
    auto* view = new QLabel(scroll);
    view->setPixmap(QPixmap::fromImage(images_[i]));  // 1:1
    scroll->setWidget(view);
    scroll->setMinimumSize(qMin(images_[i].width() + 24, 800), qMin(images_[i].height() + 24, 800));
    layout->addWidget(scroll, 1);
    if (!flags_.value(i).isEmpty()) layout->addWidget(new QLabel(flagDetails_.value(i), &dialog));
    auto* buttons = new QHBoxLayout;
    auto* ab = new QPushButton(tr("Hold: real slice"), &dialog);
    auto* keep = new QPushButton(tr("Keep in the document"), &dialog);
    auto* close = new QPushButton(tr("Close"), &dialog);
    buttons->addWidget(ab);
    buttons->addStretch(1);
    buttons->addWidget(keep);
    buttons->addWidget(close);
    layout->addLayout(buttons);
    const QImage sampleImage = images_[i];
    const QImage real = real_.scaled(sampleImage.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    connect(ab, &QPushButton::pressed, view, [view, real] { view->setPixmap(QPixmap::fromImage(real)); });
    connect(ab, &QPushButton::released, view, [view, sampleImage] { view->setPixmap(QPixmap::fromImage(sampleImage)); });
    connect(keep, &QPushButton::clicked, &dialog, [this, i, keep] {
        Q_EMIT keepRequested(images_[i], shownMask_, seeds_.value(i));
        keep->setEnabled(false);
        keep->setText(tr("Kept"));
    });
    connect(close, &QPushButton::clicked, &dialog, &QDialog::accept);
    dialog.exec();
}

void PreviewGallery::resizeEvent(QResizeEvent* e) {
    QWidget::resizeEvent(e);
    QTimer::singleShot(0, this, &PreviewGallery::layoutThumbs);  // after the grid has its new geometry
}

int PreviewGallery::tileColumns(int count, const QSize& area, int spacing) {
    if (count < 1 || area.width() < 1 || area.height() < 1) return 1;
    int best = 1;
    double bestSide = -1;
    for (int columns = 1; columns <= count; ++columns) {
        const int rows = (count + columns - 1) / columns;
        const double side = std::min(double(area.width() - (columns - 1) * spacing) / columns, double(area.height() - (rows - 1) * spacing) / rows);
        if (side > bestSide) bestSide = side, best = columns;
    }
    return best;
}

void PreviewGallery::layoutThumbs() {
    while (thumbs_.size() < images_.size()) {
        auto* l = new QLabel(this);
        l->setMinimumSize(64, 64);  // small enough that the dock leaves the image most of the window
        l->setAlignment(Qt::AlignCenter);
        l->setStyleSheet(QStringLiteral("background: black"));
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);  // tiles share the space equally
        l->setCursor(Qt::PointingHandCursor);
        l->installEventFilter(this);
        thumbs_ << l;
    }
    // Square samples in a strip or a block, whichever the dock's shape gives the larger tiles (a wide,
    // low dock shows 8 samples in one row at 1.2x the side of two rows of four).
    const int count = static_cast<int>(images_.size());
    const QRect area = grid_->geometry();
    const int columns = area.isValid() && count > 0 ? tileColumns(count, area.size(), grid_->spacing()) : columns_;
    if (columns != columns_ || count != laidOut_) {
        for (auto* l : thumbs_) grid_->removeWidget(l);
        for (int k = 0; k < grid_->rowCount(); ++k) grid_->setRowStretch(k, 0);
        for (int k = 0; k < grid_->columnCount(); ++k) grid_->setColumnStretch(k, 0);
        for (int k = 0; k < count; ++k) {
            grid_->addWidget(thumbs_[k], k / columns, k % columns);
            grid_->setRowStretch(k / columns, 1);
            grid_->setColumnStretch(k % columns, 1);
        }
        columns_ = columns;
        laidOut_ = count;
        grid_->activate();  // the tiles' sizes below are the new layout's
        // The grid's area before this layout held tiles may not be the one it has now: look again once
        // the layout has settled (that pass finds the same columns and stops).
        QTimer::singleShot(0, this, &PreviewGallery::layoutThumbs);
    }
    const QString open = tr("Click: open at 1:1, compare with the real slice, keep it");
    for (int i = 0; i < thumbs_.size(); ++i) {
        thumbs_[i]->setVisible(i < count);
        if (i >= count) continue;
        thumbs_[i]->setPixmap(tilePixmap(i, thumbs_[i]->size()));
        thumbs_[i]->setToolTip(flagDetails_.value(i).isEmpty() ? open : flagDetails_.value(i) + QStringLiteral("\n") + open);
    }
}

// The sample scaled to its tile; with a judge, a green (ok) or red (suspect) frame and the judge's DSC.
QPixmap PreviewGallery::tilePixmap(int i, const QSize& size) const {
    QPixmap pixmap = QPixmap::fromImage(images_[i].scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation).convertToFormat(QImage::Format_RGB32));
    const QString flag = flags_.value(i);
    if (flag.isEmpty()) return pixmap;
    QPainter p(&pixmap);
    const QColor colour = flag == QStringLiteral("ok") ? QColor(40, 200, 90) : QColor(230, 60, 50);
    p.setPen(QPen(colour, 3));
    p.drawRect(pixmap.rect().adjusted(1, 1, -2, -2));
    const QString label = (flag == QStringLiteral("ok") ? tr("ok") : tr("suspect"));
    QFont font = p.font();
    font.setBold(true);
    p.setFont(font);
    const QRect box(4, pixmap.height() - p.fontMetrics().height() - 6, p.fontMetrics().horizontalAdvance(label) + 8, p.fontMetrics().height() + 2);
    p.fillRect(box, colour);
    p.setPen(Qt::white);
    p.drawText(box, Qt::AlignCenter, label);
    return pixmap;
}

QString PreviewGallery::exportDataset(const std::vector<gan::MaskInput>& masks, const QString& folder, int count, bool overwrite,
                                      std::optional<double> minDice, const gan::DatasetLayout& layout) {
    if (!synth_) return tr("no model loaded");
    if (minDice && judgeDir_.isEmpty()) return tr("Leaving out suspect samples needs a judge: choose a segmentation model first.");
    gan::DatasetOptions options;
    options.synthesis.count = count;
    options.synthesis.seed = static_cast<std::uint64_t>(seed_->value());
    options.synthesis.randomizedCondition = rc_->isChecked();
    options.synthesis.dropout = dropout_->isChecked();
    options.synthesis.conditionNoise = std::array<double, 3>{double(rcBackground_->value()), double(rcLung_->value()), double(rcInfection_->value())};
    if (synth_->hasSecondModel() && !randomAlpha_->isChecked()) options.synthesis.fusionAlpha = alpha_->value();
    options.overwrite = overwrite;
    options.layout = layout;
    options.modelPath = modelDir_.toStdString();
    if (!judgeDir_.isEmpty()) {
        try {
            // Its own judge: the threshold differs from the previews' and the export runs while previews may be queued.
            options.assess = eval::judgeSamples(judgeDir_.toStdString(), modelDir_.toStdString(), minDice, 0, options.assessment);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
    }
    const gan::DatasetWriters writers = dataset::fileWriters();
    const std::vector<gan::MaskInput>& inputs = masks;

    // The export runs on a worker; the dialog shows progress and can cancel (nothing partial remains).
    QProgressDialog dialog(tr("Exporting the dataset..."), tr("Cancel"), 0, 1000, this);
    dialog.setWindowModality(Qt::WindowModal);
    dialog.setMinimumDuration(0);
    struct Shared {
        std::atomic<double> fraction{0};
        CancelToken cancel;
        std::atomic<bool> done{false};
        std::string error;
        gan::DatasetResult result;
    };
    auto shared = std::make_shared<Shared>();
    struct Sink final : ProgressSink {
        std::shared_ptr<Shared> s;
        void report(double f, const std::string&) override { s->fraction = f; }
    };
    auto sink = std::make_shared<Sink>();
    sink->s = shared;
    auto synth = synth_;
    const std::string target = folder.toStdString();
    ++generation_;  // previews queued before the export are not needed any more
    QThreadPool::globalInstance()->start([this, shared, sink, synth, inputs, target, options, writers] {
        std::lock_guard<std::mutex> lock(runMutex_);  // the synthesizer serves one caller at a time
        gan::setThreads(0);
        try {
            shared->result = gan::exportDataset(*synth, inputs, target, options, writers, JobContext{sink.get(), &shared->cancel});
        } catch (const Cancelled&) {
            shared->error = "cancelled";
        } catch (const std::exception& e) {
            shared->error = e.what();
        }
        shared->done = true;
    });
    while (!shared->done) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        dialog.setValue(static_cast<int>(shared->fraction * 1000));
        if (dialog.wasCanceled()) shared->cancel.cancel();
    }
    dialog.setValue(1000);
    if (shared->error.empty()) lastExport_ = shared->result;
    return QString::fromStdString(shared->error);
}

}  // namespace ctsw
