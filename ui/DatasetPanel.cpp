#include "DatasetPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>
#include <filesystem>
#include <mutex>

#include "TrainingController.h"
#include "dataset/BatchRun.h"
#include "dataset/DatasetJob.h"
#include "gan/Engine.h"
#include "image/WindowLevel.h"
#include "io/AtomicWrite.h"
#include "io/ImageFiles.h"
#include "io/MaskLists.h"
#include "json/Json.h"

namespace fs = std::filesystem;

namespace ctsw {

struct DatasetPanel::Shared {
    std::atomic<double> fraction{0};
    std::mutex mutex;
    std::string message;  // under mutex
    CancelToken cancel;
    std::atomic<bool> done{false};
    std::string error;
    dataset::DatasetJobResult result;
};

namespace {
struct SharedSink final : ProgressSink {
    std::function<void(double, const std::string&)> onReport;
    void report(double f, const std::string& m) override { onReport(f, m); }
};

QLineEdit* pathEdit(const QString& placeholder, QWidget* parent) {
    auto* e = new QLineEdit(parent);
    e->setPlaceholderText(placeholder);
    e->setClearButtonEnabled(true);
    e->setMinimumWidth(60);  // paths are long; the field scrolls rather than widening the panel
    return e;
}

// A plain horizontal row of widgets inside a form.
QHBoxLayout* rowLayout(QWidget* row) {
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    return h;
}

// A row with a path field and a Browse button that asks for a folder.
QWidget* withBrowse(QLineEdit* edit, std::function<void()> browse, QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* h = rowLayout(row);
    h->addWidget(edit, 1);
    auto* b = new QPushButton(QObject::tr("Browse..."), row);
    QObject::connect(b, &QPushButton::clicked, row, std::move(browse));
    h->addWidget(b);
    return row;
}

// A written sample as a thumbnail: its 8-bit PNG, or its NIfTI image in the lung window.
QImage sampleThumbnail(const fs::path& folder, const Json& entry) {
    if (!entry.stringOr("image", "").empty()) return QImage(QString::fromStdString((folder / entry.stringOr("image", "")).string()));
    const std::string nifti = entry.stringOr("image_nifti", "");
    if (nifti.empty()) return {};
    try {
        const CtVolume v = readNifti((folder / nifti).string());
        const CtSlice s = extractSlice(v, 0);
        QImage img(s.width(), s.height(), QImage::Format_Grayscale8);
        for (int y = 0; y < img.height(); ++y)
            windowToBytes(&s.pixels()[static_cast<std::size_t>(y) * s.width()], static_cast<std::size_t>(s.width()), WindowLevel{1500, -500}, img.scanLine(y));
        return img;
    } catch (const std::exception&) {
        return {};
    }
}
}  // namespace

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent), clock_(std::make_unique<QElapsedTimer>()) {
    auto* top = new QHBoxLayout(this);

    // Column 1: what to synthesize with and from.
    auto* what = new QGroupBox(tr("Model and masks"), this);
    auto* wf = new QFormLayout(what);
    wf->setVerticalSpacing(3);
    model_ = pathEdit(tr("model folder (cosingan train)"), what);
    wf->addRow(tr("Model"), withBrowse(model_, [this] { browseFolder(model_, tr("Model folder")); }, what));
    model2_ = pathEdit(tr("optional"), what);
    wf->addRow(tr("Fuse with"), withBrowse(model2_, [this] { browseFolder(model2_, tr("Second model folder")); }, what));
    source_ = new QComboBox(what);
    source_->addItems({tr("This slice's mask"), tr("Every slice with a mask"), tr("A folder of masks (0/1/2)"), tr("Generate lesions on this series")});
    source_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    source_->setMinimumContentsLength(12);
    wf->addRow(tr("Masks"), source_);
    sourceOptions_ = new QStackedWidget(what);
    sourceOptions_->addWidget(new QLabel(tr("The training slice (or the current one) as painted."), sourceOptions_));
    sourceOptions_->addWidget(new QLabel(tr("Every slice of the document that has lung or infection."), sourceOptions_));
    maskFolder_ = pathEdit(tr("folder of PNG / NPY / NIfTI masks"), sourceOptions_);
    sourceOptions_->addWidget(withBrowse(maskFolder_, [this] { browseFolder(maskFolder_, tr("Folder of masks")); }, sourceOptions_));
    auto* lesions = new QWidget(sourceOptions_);
    auto* lf = new QFormLayout(lesions);
    lf->setVerticalSpacing(3);
    lf->setContentsMargins(0, 0, 0, 0);
    like_ = pathEdit(tr("annotated masks or a MedSeg folder"), lesions);
    lf->addRow(tr("Lesions like"), withBrowse(like_, [this] { browseFolder(like_, tr("Annotated masks (or a MedSeg folder)")); }, lesions));
    auto* sliceRow = new QWidget(lesions);
    auto* sh = rowLayout(sliceRow);
    firstSlice_ = new QSpinBox(sliceRow);
    lastSlice_ = new QSpinBox(sliceRow);
    perSlice_ = new QSpinBox(sliceRow);
    perSlice_->setRange(1, 1000);
    perSlice_->setValue(1);
    perSlice_->setSuffix(tr(" per slice"));
    sh->addWidget(firstSlice_);
    sh->addWidget(new QLabel(tr("to"), sliceRow));
    sh->addWidget(lastSlice_);
    sh->addWidget(perSlice_);
    lf->addRow(tr("Slices"), sliceRow);
    auto* burdenRow = new QWidget(lesions);
    auto* bh = rowLayout(burdenRow);
    burdenFromMasks_ = new QCheckBox(tr("from the masks"), burdenRow);
    burdenFromMasks_->setToolTip(tr("The 10th to 90th percentile of the annotated masks' infected lung fraction"));
    burdenFromMasks_->setChecked(true);
    burdenLow_ = new QDoubleSpinBox(burdenRow);
    burdenHigh_ = new QDoubleSpinBox(burdenRow);
    for (QDoubleSpinBox* b : {burdenLow_, burdenHigh_}) {
        b->setRange(0, 1);
        b->setSingleStep(0.05);
        b->setDecimals(2);
    }
    burdenLow_->setValue(0.05);
    burdenHigh_->setValue(0.3);
    bh->addWidget(burdenFromMasks_);
    bh->addWidget(burdenLow_);
    bh->addWidget(new QLabel(tr("to"), burdenRow));
    bh->addWidget(burdenHigh_);
    lf->addRow(tr("Burden"), burdenRow);
    peripheral_ = new QCheckBox(tr("peripheral"), burdenRow);
    peripheral_->setToolTip(tr("favour peripheral and posterior lung (as COVID-19 does)"));
    bh->addWidget(peripheral_);
    sourceOptions_->addWidget(lesions);
    wf->addRow(sourceOptions_);
    top->addWidget(what, 3);

    // Column 2: how many, how diverse, where and in which layout.
    auto* how = new QGroupBox(tr("Samples and output"), this);
    auto* hf = new QFormLayout(how);
    hf->setVerticalSpacing(3);
    // Related settings share a row, so that the panel fits the dock's default height.
    auto* countRow = new QWidget(how);
    auto* ch = rowLayout(countRow);
    count_ = new QSpinBox(countRow);
    count_->setRange(1, 100000);
    count_->setValue(10);
    seed_ = new QSpinBox(countRow);
    seed_->setRange(0, 1 << 30);
    seed_->setValue(1);
    ch->addWidget(count_, 1);
    ch->addWidget(new QLabel(tr("Seed"), countRow));
    ch->addWidget(seed_, 1);
    hf->addRow(tr("Samples per mask"), countRow);
    auto* diversity = new QWidget(how);
    auto* dh = rowLayout(diversity);
    rc_ = new QCheckBox(tr("randomized condition"), diversity);
    rc_->setChecked(true);
    dropout_ = new QCheckBox(tr("test-time dropout"), diversity);
    alpha_ = new QDoubleSpinBox(diversity);
    alpha_->setRange(-0.01, 1);
    alpha_->setSingleStep(0.1);
    alpha_->setValue(-0.01);
    alpha_->setSpecialValueText(tr("random alpha"));
    alpha_->setToolTip(tr("Fusion weight of the first model (with a second model)"));
    dh->addWidget(rc_);
    dh->addWidget(dropout_);
    dh->addWidget(alpha_);
    hf->addRow(tr("Diversity"), diversity);
    auto* nn = new QWidget(how);
    auto* nh = rowLayout(nn);
    layout_ = new QComboBox(nn);
    layout_->addItem(tr("Product folders (PNG + NIfTI, manifests)"), QStringLiteral("product"));
    layout_->addItem(tr("nnU-Net v2 raw dataset"), QStringLiteral("nnunet"));
    layout_->addItem(tr("MONAI datalist"), QStringLiteral("monai"));
    // Long item texts must not widen the panel past the dock: the combos show what fits.
    layout_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    layout_->setMinimumContentsLength(10);
    nh->addWidget(layout_, 2);
    datasetId_ = new QSpinBox(nn);
    datasetId_->setRange(1, 999);
    datasetId_->setValue(501);
    datasetId_->setPrefix(tr("Dataset"));
    datasetName_ = new QLineEdit(QStringLiteral("CoSinGAN"), nn);
    nh->addWidget(datasetId_);
    nh->addWidget(datasetName_, 1);
    datasetName_->setToolTip(tr("nnU-Net dataset id and name"));
    hf->addRow(tr("Layout"), nn);
    judge_ = pathEdit(tr("optional: seg-train model"), how);
    auto* judgeRow = withBrowse(judge_, [this] { browseFolder(judge_, tr("Judge segmentation model")); }, how);
    minDice_ = new QDoubleSpinBox(judgeRow);
    minDice_->setRange(0, 1);
    minDice_->setSingleStep(0.05);
    minDice_->setSpecialValueText(tr("keep all, flagged"));
    minDice_->setToolTip(tr("Leave out samples whose judge DSC is below this"));
    static_cast<QHBoxLayout*>(judgeRow->layout())->addWidget(minDice_);
    hf->addRow(tr("Judge"), judgeRow);
    out_ = pathEdit(tr("new folder for the dataset"), how);
    hf->addRow(tr("Write to"), withBrowse(out_, [this] { browseFolder(out_, tr("Folder for the dataset")); }, how));
    auto* buttons = new QWidget(how);
    auto* bb = rowLayout(buttons);
    start_ = new QPushButton(tr("Write dataset"), buttons);
    cancel_ = new QPushButton(tr("Cancel"), buttons);
    cluster_ = new QPushButton(tr("Write cluster run..."), buttons);
    cluster_->setToolTip(tr("Writes this request as a cosingan batch plan with SLURM scripts; nothing is submitted"));
    bb->addWidget(start_);
    bb->addWidget(cancel_);
    bb->addWidget(cluster_);
    bar_ = new QProgressBar(buttons);
    bar_->setRange(0, 1000);
    bar_->setValue(0);
    bar_->setMinimumWidth(60);
    bb->addWidget(bar_, 1);
    hf->addRow(buttons);
    status_ = new QLabel(tr("Choose a model and masks."), how);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    hf->addRow(status_);
    top->addWidget(how, 3);

    // Column 3: what was written.
    auto* shown = new QGroupBox(tr("Written"), this);
    auto* sv = new QVBoxLayout(shown);
    grid_ = new QListWidget(shown);
    grid_->setViewMode(QListView::IconMode);
    grid_->setIconSize(QSize(96, 96));
    grid_->setResizeMode(QListView::Adjust);
    grid_->setMovement(QListView::Static);
    grid_->setSpacing(4);
    grid_->setMinimumWidth(100);
    sv->addWidget(grid_);
    top->addWidget(shown, 3);

    poll_ = new QTimer(this);
    poll_->setInterval(200);
    connect(poll_, &QTimer::timeout, this, [this] {
        if (!shared_) return;
        const double f = shared_->fraction;
        bar_->setValue(static_cast<int>(f * 1000));
        std::string message;
        {
            std::lock_guard<std::mutex> lock(shared_->mutex);
            message = shared_->message;
        }
        const double elapsed = clock_->elapsed() / 1000.0;
        QString eta = tr("estimating...");
        if (f > 0.02) eta = tr("about %1 s left").arg(std::max(0.0, elapsed * (1 - f) / f), 0, 'f', 0);
        status_->setText(tr("%1 - %2 % after %3 s, %4").arg(QString::fromStdString(message)).arg(f * 100, 0, 'f', 0).arg(elapsed, 0, 'f', 0).arg(eta));
        if (shared_->done) onFinished();
    });
    connect(start_, &QPushButton::clicked, this, [this] {
        // An existing dataset is replaced only when the user says so.
        bool replace = false;
        try {
            gan::DatasetLayout layout;
            layout.kind = layout_->currentData().toString().toStdString();
            layout.datasetId = datasetId_->value();
            layout.name = datasetName_->text().trimmed().toStdString();
            const QString target = QString::fromStdString(gan::datasetFolder(out_->text().trimmed().toStdString(), layout));
            if (!out_->text().trimmed().isEmpty() && QFileInfo::exists(target)) {
                if (QMessageBox::question(this, tr("Write dataset"), tr("%1 exists. Replace it?").arg(target)) != QMessageBox::Yes) return;
                replace = true;
            }
        } catch (const std::exception&) {
            // start() reports a name nnU-Net cannot take.
        }
        const QString problem = start(replace);
        if (!problem.isEmpty()) status_->setText(problem);
    });
    connect(cancel_, &QPushButton::clicked, this, &DatasetPanel::cancel);
    connect(cluster_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getSaveFileName(this, tr("New folder for the cluster run"));
        if (dir.isEmpty()) return;
        try {
            const QString run = writeClusterRun(dir);
            status_->setText(tr("Cluster run written to %1 (nothing submitted). On the cluster: cosingan batch resubmit %1, then cosingan batch merge %1. "
                                "The scripts call this machine's cosingan; edit them where the cluster's lives elsewhere.").arg(run));
        } catch (const std::exception& e) {
            status_->setText(tr("Cannot write the cluster run: %1").arg(QString::fromStdString(e.what())));
        }
    });
    connect(source_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        sourceOptions_->setCurrentIndex(i);
        updateEnabled();
    });
    connect(layout_, qOverload<int>(&QComboBox::currentIndexChanged), this, &DatasetPanel::updateEnabled);
    connect(burdenFromMasks_, &QCheckBox::toggled, this, &DatasetPanel::updateEnabled);
    connect(judge_, &QLineEdit::textChanged, this, &DatasetPanel::updateEnabled);
    connect(model2_, &QLineEdit::textChanged, this, &DatasetPanel::updateEnabled);
    updateEnabled();
}

DatasetPanel::~DatasetPanel() {
    // The worker holds the shared state, not the panel: cancel it and let it finish on its own.
    if (shared_) shared_->cancel.cancel();
}

void DatasetPanel::setDocument(const DocumentSource& source) {
    document_ = source;
    const int depth = source.ct ? source.ct->depth() : 0;
    firstSlice_->setRange(depth > 0 ? 1 : 0, depth);
    lastSlice_->setRange(depth > 0 ? 1 : 0, depth);
    firstSlice_->setValue(depth > 0 ? 1 : 0);
    lastSlice_->setValue(depth);
    if (out_->text().isEmpty() && !source.outputFolder.isEmpty()) out_->setText(QDir(source.outputFolder).filePath(QStringLiteral("dataset")));
    updateEnabled();
}

void DatasetPanel::setModel(const QString& dir) { model_->setText(dir); }
void DatasetPanel::setJudge(const QString& dir) { judge_->setText(dir); }
void DatasetPanel::setMaskSource(MaskSource s) { source_->setCurrentIndex(static_cast<int>(s)); }
void DatasetPanel::setLikeMasks(const QString& p) { like_->setText(p); }
void DatasetPanel::setSlices(int first, int last) {
    firstSlice_->setValue(first);
    lastSlice_->setValue(last);
}
void DatasetPanel::setCountPerMask(int n) { count_->setValue(n); }
void DatasetPanel::setLesionsPerSlice(int n) { perSlice_->setValue(n); }
void DatasetPanel::setLayout(const QString& kind) { layout_->setCurrentIndex(std::max(0, layout_->findData(kind))); }
void DatasetPanel::setOutputFolder(const QString& dir) { out_->setText(dir); }
int DatasetPanel::shownThumbnails() const { return grid_->count(); }

QString DatasetPanel::browseFolder(QLineEdit* edit, const QString& title) {
    const QString dir = QFileDialog::getExistingDirectory(this, title, edit->text());
    if (!dir.isEmpty()) edit->setText(dir);
    return dir;
}

void DatasetPanel::updateEnabled() {
    const bool lesions = source_->currentIndex() == static_cast<int>(MaskSource::Lesions);
    burdenLow_->setEnabled(lesions && !burdenFromMasks_->isChecked());
    burdenHigh_->setEnabled(lesions && !burdenFromMasks_->isChecked());
    const bool nnunet = layout_->currentData().toString() == QLatin1String("nnunet");
    datasetId_->setEnabled(nnunet);
    datasetName_->setEnabled(nnunet);
    minDice_->setEnabled(!judge_->text().isEmpty());
    alpha_->setEnabled(!model2_->text().isEmpty());
    start_->setEnabled(!running_);
    cancel_->setEnabled(running_);
    cluster_->setEnabled(!running_);
}

std::unique_ptr<dataset::DatasetRequest> DatasetPanel::buildRequest(QString* problem) const {
    auto r = std::make_unique<dataset::DatasetRequest>();
    r->model = model_->text().trimmed().toStdString();
    r->secondModel = model2_->text().trimmed().toStdString();
    r->judge = judge_->text().trimmed().toStdString();
    if (!r->judge.empty() && minDice_->value() > 0) r->minDice = minDice_->value();
    r->out = out_->text().trimmed().toStdString();
    if (r->model.empty()) return *problem = tr("Choose a trained model (Browse... beside Model)."), nullptr;
    if (r->out.empty()) return *problem = tr("Choose a folder for the dataset (Write to)."), nullptr;
    gan::DatasetOptions& o = r->options;
    o.synthesis.count = count_->value();
    o.synthesis.seed = static_cast<std::uint64_t>(seed_->value());
    o.synthesis.randomizedCondition = rc_->isChecked();
    o.synthesis.dropout = dropout_->isChecked();
    if (!r->secondModel.empty() && alpha_->value() >= 0) o.synthesis.fusionAlpha = alpha_->value();
    o.layout.kind = layout_->currentData().toString().toStdString();
    o.layout.datasetId = datasetId_->value();
    o.layout.name = datasetName_->text().trimmed().toStdString();
    const auto source = static_cast<MaskSource>(source_->currentIndex());
    try {
        if (source == MaskSource::TrainingSlice || source == MaskSource::EverySlice) {
            if (!document_.masks) return *problem = tr("Open a CT series and paint or load a mask first."), nullptr;
            r->masks = document_.masks(source == MaskSource::EverySlice);
            if (r->masks.empty()) return *problem = tr("No slice has a mask to synthesize from."), nullptr;
        } else if (source == MaskSource::Folder) {
            for (const std::string& f : maskFilesInFolder(maskFolder_->text().trimmed().toStdString())) {
                gan::MaskInput in;
                in.source = f;
                in.labels = isNiftiPath(f) ? extractSlice(readNiftiLabels(f, LabelMapping::parse("identity")), 0) : readMaskSlice(f, LabelMapping::parse("identity"));
                r->masks.push_back(std::move(in));
            }
        } else {
            if (!document_.ct) return *problem = tr("Open the CT series to place lesions on first."), nullptr;
            if (like_->text().trimmed().isEmpty()) return *problem = tr("Choose annotated masks to take the lesions from (Lesions like)."), nullptr;
            if (firstSlice_->value() > lastSlice_->value()) return *problem = tr("The first slice comes after the last one."), nullptr;
            dataset::LesionRequest l;
            l.ct = document_.ct.get();
            l.like = dataset::loadLikeMasks({like_->text().trimmed().toStdString()});
            l.options.firstSlice = firstSlice_->value() - 1;
            l.options.lastSlice = lastSlice_->value() - 1;
            l.options.countPerSlice = perSlice_->value();
            l.options.seed = static_cast<std::uint64_t>(seed_->value());
            l.options.lesions.peripheral = peripheral_->isChecked();
            if (!burdenFromMasks_->isChecked()) {
                if (burdenLow_->value() > burdenHigh_->value()) return *problem = tr("The lowest burden is above the highest."), nullptr;
                l.options.lesions.burdenLow = burdenLow_->value();
                l.options.lesions.burdenHigh = burdenHigh_->value();
            }
            l.options.nifti = true;  // the series' geometry travels with the masks
            l.options.overwrite = true;  // they belong to this dataset, written again with it
            l.options.valuesAreHu = document_.valuesAreHu;
            l.options.imageName = document_.imagePath.toStdString();
            l.options.seriesId = document_.seriesId.toStdString();
            l.options.likeNames = l.like.names;
            // Beside the dataset, so that the lesion masks' manifest stays with what was made from them.
            l.folder = (fs::path(r->out).parent_path() / (fs::path(r->out).filename().string() + "-lesion-masks")).string();
            r->lesions = std::move(l);
        }
    } catch (const std::exception& e) {
        return *problem = QString::fromStdString(e.what()), nullptr;
    }
    return r;
}

QString DatasetPanel::start(bool replaceExisting) {
    if (running_) return tr("A dataset is being written.");
    QString problem;
    std::shared_ptr<dataset::DatasetRequest> request = buildRequest(&problem);
    if (!request) return problem;
    try {
        const std::string target = gan::datasetFolder(request->out, request->options.layout);
        if (fs::exists(target) && !replaceExisting) return tr("%1 exists: choose another folder, or confirm replacing it.").arg(QString::fromStdString(target));
        request->options.overwrite = replaceExisting;
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    shared_ = std::make_shared<Shared>();
    auto shared = shared_;
    auto ct = document_.ct;  // alive while the worker places lesions on it
    running_ = true;
    lastError_.clear();
    grid_->clear();
    bar_->setValue(0);
    status_->setText(tr("Loading the model..."));
    clock_->start();
    poll_->start();
    updateEnabled();
    QThreadPool::globalInstance()->start([shared, request, ct] {
        SharedSink sink;
        sink.onReport = [&shared](double f, const std::string& m) {
            shared->fraction = f;
            std::lock_guard<std::mutex> lock(shared->mutex);
            shared->message = m;
        };
        gan::setThreads(0);
        try {
            shared->result = dataset::runDatasetJob(*request, JobContext{&sink, &shared->cancel});
        } catch (const Cancelled&) {
            shared->error = "cancelled";
        } catch (const std::exception& e) {
            shared->error = e.what();
        }
        shared->done = true;
    });
    return {};
}

void DatasetPanel::cancel() {
    if (shared_ && running_) {
        shared_->cancel.cancel();
        status_->setText(tr("Cancelling: nothing partial is kept..."));
    }
}

void DatasetPanel::onFinished() {
    poll_->stop();
    running_ = false;
    lastError_ = QString::fromStdString(shared_->error);
    const dataset::DatasetJobResult r = shared_->result;
    shared_.reset();
    updateEnabled();
    if (!lastError_.isEmpty()) {
        bar_->setValue(0);
        status_->setText(lastError_ == QLatin1String("cancelled") ? tr("Cancelled; no dataset was left behind.") : tr("Failed: %1").arg(lastError_));
        Q_EMIT finished(false);
        return;
    }
    bar_->setValue(1000);
    lastFolder_ = QString::fromStdString(r.dataset.folder);
    lastSamples_ = r.dataset.samples;
    lastLesionMasks_ = r.lesions ? static_cast<int>(r.lesions->maskFiles.size()) : 0;
    QString text = tr("Wrote %1 samples to %2 in %3 s.").arg(r.dataset.samples).arg(lastFolder_).arg(r.dataset.seconds, 0, 'f', 0);
    if (r.lesions)
        text += tr(" Lesion masks: %1 on %2 slices (%3 slices skipped) in %4.")
                    .arg(r.lesions->maskFiles.size())
                    .arg(r.lesions->maskSlices.empty() ? 0 : r.lesions->maskSlices.back() - r.lesions->maskSlices.front() + 1)
                    .arg(r.lesions->skipped.size())
                    .arg(QString::fromStdString(r.lesions->folder));
    if (r.dataset.leftOut > 0) text += tr(" The judge left out %1 suspect samples (named in manifest.json).").arg(r.dataset.leftOut);
    if (r.dataset.bodyEstimated > 0) text += tr(" %1 masks had no source slice: their body outline was estimated from the lungs.").arg(r.dataset.bodyEstimated);
    status_->setText(text);
    showWritten(lastFolder_);
    Q_EMIT finished(true);
}

void DatasetPanel::showWritten(const QString& folder) {
    grid_->clear();
    Json manifest;
    try {
        manifest = readJsonFile(QDir(folder).filePath(QStringLiteral("manifest.json")).toStdString());
    } catch (const std::exception&) {
        return;
    }
    const Json samples = manifest.contains("samples") ? manifest.at("samples") : Json::array();
    // The first few dozen: enough to judge the set at a glance without reading thousands of files.
    const std::size_t shown = std::min<std::size_t>(samples.size(), 48);
    for (std::size_t i = 0; i < shown; ++i) {
        const QImage img = sampleThumbnail(folder.toStdString(), samples[i]);
        if (img.isNull()) continue;
        QString flag;
        if (samples[i].contains("quality")) flag = QString::fromStdString(samples[i].at("quality").stringOr("flag", ""));
        auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(img.scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation))),
                                         flag.isEmpty() ? QString::number(i) : QStringLiteral("%1 %2").arg(i).arg(flag));
        item->setToolTip(QString::fromStdString(samples[i].stringOr("source_mask", "")));
        grid_->addItem(item);
    }
}

QString DatasetPanel::writeClusterRun(const QString& runDir) {
    QString problem;
    std::unique_ptr<dataset::DatasetRequest> request = buildRequest(&problem);
    if (!request) throw std::runtime_error(problem.toStdString());
    const fs::path run = fs::absolute(runDir.toStdString());
    fs::create_directories(run);
    Json plan = Json::object();
    plan.set("name", run.filename().string());
    Json train = Json::array();
    Json model = Json::object();
    model.set("model", fs::absolute(request->model).string());
    train.push(model);
    plan.set("train", train);
    Json synth = Json::object();
    synth.set("count", request->options.synthesis.count);
    synth.set("seed", static_cast<int>(request->options.synthesis.seed));
    synth.set("randomized_condition", request->options.synthesis.randomizedCondition);
    synth.set("dropout", request->options.synthesis.dropout);
    if (request->lesions) {
        const dataset::LesionRequest& l = *request->lesions;
        Json les = Json::object();
        les.set("image", document_.imagePath.toStdString());
        if (!document_.seriesId.isEmpty()) les.set("series", document_.seriesId.toStdString());
        les.set("slices", std::to_string(l.options.firstSlice) + ":" + std::to_string(l.options.lastSlice));
        les.set("like", like_->text().trimmed().toStdString());
        les.set("count", l.options.countPerSlice);
        les.set("seed", static_cast<int>(l.options.seed));
        les.set("peripheral", l.options.lesions.peripheral);
        if (l.options.lesions.burdenLow >= 0) les.set("burden", Json::arrayOf(std::vector<double>{l.options.lesions.burdenLow, l.options.lesions.burdenHigh}));
        plan.set("lesions", les);
    } else {
        // The document's masks become files the cluster can read, written with their slice geometry.
        const fs::path masks = run / "plan-masks";
        fs::create_directories(masks);
        Json list = Json::array();
        for (std::size_t i = 0; i < request->masks.size(); ++i) {
            const gan::MaskInput& m = request->masks[i];
            const fs::path file = masks / ("mask_" + std::to_string(i) + ".nii.gz");
            writeNiftiLabels(m.geometry ? sliceAsVolume(m.labels, *m.geometry) : sliceAsVolume(m.labels), file.string());
            list.push(file.string());
        }
        synth.set("masks", list);
    }
    plan.set("synthesize", synth);
    const std::string planFile = (run / "plan.json").string();
    writeTextAtomically(planFile, plan.dump(2) + "\n");
    batch::Resources res;
    res.cpus = 2;
    const QString cosingan = TrainingController::findTrainer();
    if (cosingan.isEmpty()) throw std::runtime_error("the cosingan tool was not found beside the workbench");
    const batch::Run written = batch::createRun(planFile, (run / "run").string(), res, 0, cosingan.toStdString(), dataset::planLesionGenerator());
    return QString::fromStdString(written.dir);
}

}  // namespace ctsw
