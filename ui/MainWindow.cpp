#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QDir>
#include <QMimeData>
#include <QProgressDialog>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTextBrowser>
#include <QUrl>
#include <QToolBar>
#include <QScrollArea>
#include <QPointer>

#include <QCloseEvent>
#include <QInputDialog>
#include <QLineEdit>
#include <QSettings>
#include <QTabWidget>
#include <QThreadPool>
#include <QTimer>

#include <QGuiApplication>

#include "LabelSurfaceView.h"
#include "MaskEditModel.h"
#include "MaskToolPanel.h"
#include "TrainingController.h"
#include "TrainingPanel.h"
#include "PreviewGallery.h"
#include "DatasetPanel.h"
#include "io/Npy.h"
#include <QDateTime>
#include <QDir>
#include <QStandardPaths>
#include <thread>
#include "SliceView.h"
#include "image/Labels.h"
#include "image/WindowLevel.h"
#include "io/Document.h"
#include "io/DocumentLock.h"
#include "io/ImageFiles.h"
#include "mask/LungMask.h"
#include "SliceViewModel.h"
#include "VolumeLoader.h"
#include "io/ImageSource.h"

namespace ctsw {

namespace {
// Scrollable, so that a panel stays usable when the window is small.
void setScrollableDockWidget(QDockWidget* dock, QWidget* panel) {
    auto* scroll = new QScrollArea(dock);
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    dock->setWidget(scroll);
}

// Saved dock layouts of another version are ignored (a dock added or renamed would be lost otherwise).
constexpr int kDockLayoutVersion = 2;
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new SliceViewModel(this)), view_(new SliceView(model_, this)), loader_(new VolumeLoader(this)),
      mask_(new MaskEditModel(this)) {
    view_->setMaskModel(mask_);
    setWindowTitle(tr("CT Synthesis Workbench"));
    setCentralWidget(view_);
    setAcceptDrops(true);
    resize(1180, 820);

    auto* dock = new QDockWidget(tr("Series"), this);
    dock->setObjectName(QStringLiteral("seriesDock"));
    details_ = new QTextBrowser(dock);
    details_->setOpenLinks(false);
    // "Other series here" entries are links: a click loads that series instead.
    connect(details_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("series")) openPath(currentPath_, url.path());
    });
    details_->setMinimumWidth(300);
    dock->setWidget(details_);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    auto* toolsDock = new QDockWidget(tr("Mask"), this);
    toolsDock->setObjectName(QStringLiteral("maskDock"));
    tools_ = new MaskToolPanel(mask_, model_, toolsDock);
    setScrollableDockWidget(toolsDock, tools_);
    addDockWidget(Qt::RightDockWidgetArea, toolsDock);
    tabifyDockWidget(dock, toolsDock);
    toolsDock->raise();
    connect(tools_, &MaskToolPanel::lungMaskRequested, this, &MainWindow::applyAutomaticLungMask);
    // The 3D view needs a real OpenGL surface: Qt 6.4's offscreen platform crashes on any shown
    // QOpenGLWidget, so headless runs (tests) go without it.
    if (QGuiApplication::platformName() != QLatin1String("offscreen")) {
        auto* surfaceDock = new QDockWidget(tr("3D"), this);
        surfaceDock->setObjectName(QStringLiteral("surfaceDock"));
        surfaces_ = new LabelSurfaceView(surfaceDock);
        surfaceDock->setWidget(surfaces_);
        addDockWidget(Qt::RightDockWidgetArea, surfaceDock);
        splitDockWidget(toolsDock, surfaceDock, Qt::Vertical);
        connect(mask_, &MaskEditModel::maskChanged, this, [this] {
            if (mask_->hasMask()) surfaces_->labelsChanged(mask_->labelsShared());
        });
        auto context = [this] { surfaces_->setContextSlice(model_->slice(), model_->window().width, model_->window().level); };
        connect(model_, &SliceViewModel::sliceChanged, this, context);
        connect(model_, &SliceViewModel::windowChanged, this, context);
    }
    connect(mask_, &MaskEditModel::modifiedChanged, this, &MainWindow::updateTitle);
    connect(mask_, &MaskEditModel::historyChanged, this, [this] {
        statusBar()->showMessage(tr("Undo history: %1 KiB").arg(mask_->historyBytes() / 1024.0, 0, 'f', 1), 3000);
    });
    // Training: a child process, its curves and controls below the image.
    training_ = new TrainingController(this);
    auto* trainingDock = new QDockWidget(tr("Training"), this);
    trainingDock->setObjectName(QStringLiteral("trainingDock"));
    trainingPanel_ = new TrainingPanel(training_, trainingDock);
    trainingDock->setWidget(trainingPanel_);
    // The right-hand panels keep the full height; training sits under the image only.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, trainingDock);
    trainingPanel_->setStartHandler([this](const QString& preset) {
        const QString problem = startTraining(preset);
        if (!problem.isEmpty()) QMessageBox::warning(this, tr("Cannot start training"), problem);
    });
    connect(training_, &TrainingController::stateChanged, this, [this] {
        // The document records every run and how it ended.
        if (runs_.size() == 0) return;
        Json updated = Json::array();
        for (std::size_t i = 0; i < runs_.size(); ++i) {
            Json r = runs_[i];
            if (i + 1 == runs_.size()) {
                const char* names[] = {"idle", "running", "paused", "stopping", "stopped", "finished", "failed", "cancelled"};
                r.set("status", names[static_cast<int>(training_->state())]);
                if (!training_->failureReason().isEmpty()) r.set("reason", training_->failureReason().toStdString());
            }
            updated.push(r);
        }
        runs_ = updated;
        mask_->setModified(true);
    });

    // Previews from the newest trained model, refreshed while the mask is edited.
    auto* previewDock = new QDockWidget(tr("Preview"), this);
    previewDock->setObjectName(QStringLiteral("previewDock"));
    gallery_ = new PreviewGallery(previewDock);
    previewDock->setWidget(gallery_);
    addDockWidget(Qt::BottomDockWidgetArea, previewDock);
    tabifyDockWidget(trainingDock, previewDock);
    trainingDock->raise();
    // Datasets: model, masks (or lesions generated on this series), layout, judge; beside the preview.
    auto* datasetDock = new QDockWidget(tr("Dataset"), this);
    datasetDock->setObjectName(QStringLiteral("datasetDock"));
    datasetPanel_ = new DatasetPanel(datasetDock);
    setScrollableDockWidget(datasetDock, datasetPanel_);
    addDockWidget(Qt::BottomDockWidgetArea, datasetDock);
    tabifyDockWidget(previewDock, datasetDock);
    trainingDock->raise();
    connect(gallery_, &PreviewGallery::modelLoaded, datasetPanel_, &DatasetPanel::setModel);
    connect(gallery_, &PreviewGallery::judgeChanged, datasetPanel_, &DatasetPanel::setJudge);
    connect(training_, &TrainingController::stateChanged, this, [this, previewDock](TrainingController::State st) {
        if (st != TrainingController::State::Finished) return;
        const QString problem = gallery_->loadModel(training_->modelDir());
        if (problem.isEmpty()) {
            updatePreviewSource();
            previewDock->raise();
        } else {
            statusBar()->showMessage(problem, 15000);
        }
    });
    connect(mask_, &MaskEditModel::maskChanged, this, [this] {
        if (gallery_->hasModel() && !mask_->editing()) updatePreviewSource();
    });
    connect(gallery_, &PreviewGallery::keepRequested, this, [this](const QImage& image, const LabelSlice& labels, quint64 seed) {
        const QString problem = keepSample(image, labels, seed);
        if (!problem.isEmpty()) QMessageBox::warning(this, tr("Cannot keep the sample"), problem);
    });
    connect(mask_, &MaskEditModel::historyChanged, this, [this] {
        if (gallery_->hasModel()) updatePreviewSource();  // after each finished stroke
    });

    // Autosave: a recovery copy of unsaved masks every minute, written off the GUI thread.
    autosave_ = new QTimer(this);
    autosave_->setInterval(60 * 1000);
    connect(autosave_, &QTimer::timeout, this, &MainWindow::autosaveNow);
    autosave_->start();

    buildActions();
    buildToolBar();

    cursorLabel_ = new QLabel(this);
    statusBar()->addWidget(cursorLabel_, 1);
    connect(view_, &SliceView::cursorInfo, cursorLabel_, &QLabel::setText);

    connect(loader_, &VolumeLoader::progress, this, [this](double f, const QString& msg) {
        if (!progress_) return;
        progress_->setValue(static_cast<int>(f * 1000));
        progress_->setLabelText(msg);
    });
    connect(loader_, &VolumeLoader::loaded, this, &MainWindow::onLoaded);
    connect(loader_, &VolumeLoader::failed, this, &MainWindow::onFailed);
    connect(loader_, &VolumeLoader::cancelled, this, [this] {
        if (progress_) progress_->reset();
        statusBar()->showMessage(tr("Loading cancelled"), 5000);
    });
    connect(model_, &SliceViewModel::windowChanged, this, &MainWindow::syncWindowCombo);
    connect(model_, &SliceViewModel::sliceChanged, this, [this](int s) {
        const QSignalBlocker b1(sliceSlider_), b2(sliceSpin_);
        sliceSlider_->setValue(s);
        sliceSpin_->setValue(s + 1);
    });
    connect(model_, &SliceViewModel::volumeChanged, this, [this] {
        const int n = model_->sliceCount();
        const QSignalBlocker b1(sliceSlider_), b2(sliceSpin_);
        sliceSlider_->setRange(0, std::max(0, n - 1));
        sliceSpin_->setRange(n > 0 ? 1 : 0, n);
        sliceSlider_->setEnabled(n > 1);
        sliceSpin_->setEnabled(n > 1);
    });

    // The docks as the user left them; the first time, the image keeps most of the height (applied once
    // the window has its size).
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray(), kDockLayoutVersion))
        QTimer::singleShot(0, this, [this, trainingDock] { resizeDocks({trainingDock}, {height() / 4}, Qt::Vertical); });
}

MainWindow::~MainWindow() { loader_->cancel(); }

void MainWindow::buildActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFolder = file->addAction(tr("Open DICOM &folder..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open DICOM folder"));
        if (!dir.isEmpty()) openPath(dir);
    });
    openFolder->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    QAction* openFile = file->addAction(tr("&Open file..."), this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Open image"), QString(),
                                                       tr("CT images (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg *.npy);;All files (*)"));
        if (!f.isEmpty()) openPath(f);
    });
    openFile->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &document..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open workbench document"));
        if (!dir.isEmpty()) openDocument(dir);
    });
    recentMenu_ = file->addMenu(tr("Recent documents"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction* save = file->addAction(tr("&Save document"), this, [this] { saveDocument(); });
    save->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save document &as..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the document"));
        if (!dir.isEmpty()) saveDocumentAs(dir);
    });
    file->addSeparator();
    file->addAction(tr("Load &model for preview..."), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Trained model folder"));
        if (dir.isEmpty()) return;
        const QString problem = gallery_->loadModel(dir);
        if (!problem.isEmpty()) QMessageBox::warning(this, tr("Cannot load the model"), problem);
        else updatePreviewSource();
    });
    QAction* exportAction = file->addAction(tr("Export &dataset..."), this, [this] {
        if (!gallery_->hasModel()) {
            QMessageBox::information(this, tr("Export dataset"), tr("Train or load a model first."));
            return;
        }
        const QStringList scopes{tr("The training slice's mask"), tr("Every slice that has a mask"), tr("A folder of mask files (0/1/2)...")};
        bool ok = false;
        const QString scope = QInputDialog::getItem(this, tr("Export dataset"), tr("Synthesize from"), scopes, 0, false, &ok);
        if (!ok) return;
        const int count = QInputDialog::getInt(this, tr("Export dataset"), tr("Samples per mask"), 50, 1, 100000, 1, &ok);
        if (!ok) return;
        // With a judge, every sample is flagged in the manifests; a threshold above 0 also leaves the suspect ones out.
        std::optional<double> minDice;
        if (!gallery_->judgeDir().isEmpty()) {
            const double threshold = QInputDialog::getDouble(
                this, tr("Export dataset"),
                tr("Judge %1 flags every sample.\nLeave out samples whose judge DSC is below (0 keeps them all, flagged):").arg(QFileInfo(gallery_->judgeDir()).fileName()),
                0.0, 0.0, 1.0, 2, &ok, Qt::WindowFlags(), 0.05);
            if (!ok) return;
            if (threshold > 0) minDice = threshold;
        }
        const QStringList layouts{tr("Product folders: PNG and NIfTI pairs with manifests"), tr("nnU-Net v2 raw dataset (imagesTr, labelsTr, dataset.json)"),
                                  tr("MONAI: NIfTI pairs with a datalist.json")};
        const QString layoutName = QInputDialog::getItem(this, tr("Export dataset"), tr("Layout"), layouts, 0, false, &ok);
        if (!ok) return;
        gan::DatasetLayout layout;
        layout.kind = layoutName == layouts[1] ? "nnunet" : layoutName == layouts[2] ? "monai" : "product";
        QString folder;
        if (layout.kind == "nnunet") {
            // nnU-Net finds datasets by folder name under nnUNet_raw: the user picks that folder, the export names the dataset in it.
            layout.datasetId = QInputDialog::getInt(this, tr("Export dataset"), tr("nnU-Net dataset id (DatasetNNN)"), layout.datasetId, 1, 999, 1, &ok);
            if (!ok) return;
            layout.name = QInputDialog::getText(this, tr("Export dataset"), tr("Dataset name (letters, digits and _)"), QLineEdit::Normal,
                                                QString::fromStdString(layout.name), &ok).toStdString();
            if (!ok) return;
            folder = QFileDialog::getExistingDirectory(this, tr("nnU-Net raw folder (nnUNet_raw) to put the dataset in"));
        } else {
            folder = QFileDialog::getSaveFileName(this, tr("New folder for the dataset"));
        }
        if (folder.isEmpty()) return;
        QString target;
        try {
            target = QString::fromStdString(gan::datasetFolder(folder.toStdString(), layout));
        } catch (const std::exception& e) {  // a dataset name nnU-Net cannot take
            QMessageBox::warning(this, tr("Export dataset"), QString::fromStdString(e.what()));
            return;
        }
        bool overwrite = false;
        if (QFileInfo::exists(target)) {
            if (QMessageBox::question(this, tr("Export dataset"), tr("%1 exists. Replace it?").arg(target)) != QMessageBox::Yes) return;
            overwrite = true;
        }
        QString problem;
        if (scope == scopes[2]) {
            const QString masksDir = QFileDialog::getExistingDirectory(this, tr("Folder of masks (PNG, NPY or NIfTI; 0 background, 1 lung, 2 infection)"));
            if (masksDir.isEmpty()) return;
            std::vector<gan::MaskInput> masks;
            try {
                for (const QFileInfo& f : QDir(masksDir).entryInfoList({QStringLiteral("*.png"), QStringLiteral("*.npy"), QStringLiteral("*.nii"), QStringLiteral("*.nii.gz")}, QDir::Files, QDir::Name)) {
                    // A bare mask file has no source slice or grid: the export says so per sample.
                    gan::MaskInput input;
                    input.source = f.absoluteFilePath().toStdString();
                    input.labels = readMaskSlice(input.source, LabelMapping::named("identity"));
                    masks.push_back(std::move(input));
                }
            } catch (const std::exception& e) {
                QMessageBox::warning(this, tr("Export dataset"), QString::fromStdString(e.what()));
                return;
            }
            problem = masks.empty() ? tr("%1 holds no mask files.").arg(masksDir) : gallery_->exportDataset(masks, folder, count, overwrite, minDice, layout);
        } else {
            problem = exportDataset(folder, count, scope == scopes[1], overwrite, minDice, layout);
        }
        if (!problem.isEmpty()) {
            QMessageBox::warning(this, tr("Export dataset"), problem);
            return;
        }
        const gan::DatasetResult& written = gallery_->lastExport();
        if (minDice)
            statusBar()->showMessage(tr("Dataset written to %1: %2 samples; the judge left out %3 suspect samples (named in manifest.json)")
                                         .arg(target).arg(written.samples).arg(written.leftOut), 30000);
        else if (!gallery_->judgeDir().isEmpty())
            statusBar()->showMessage(tr("Dataset written to %1: %2 samples, each with the judge's DSC and flag in the manifests").arg(target).arg(written.samples), 30000);
        else
            statusBar()->showMessage(tr("Dataset written to %1: %2 samples").arg(target).arg(written.samples), 15000);
    });
    exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    file->addAction(tr("&Import mask..."), this, &MainWindow::importMask);
    file->addAction(tr("&Export mask..."), this, &MainWindow::exportMask);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = edit->addAction(tr("&Undo"), mask_, &MaskEditModel::undo);
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = edit->addAction(tr("&Redo"), mask_, &MaskEditModel::redo);
    redo->setShortcuts({QKeySequence(tr("Ctrl+Y")), QKeySequence(tr("Ctrl+Shift+Z"))});
    connect(mask_, &MaskEditModel::historyChanged, this, [this, undo, redo] {
        undo->setEnabled(mask_->canUndo());
        redo->setEnabled(mask_->canRedo());
        undo->setText(mask_->canUndo() ? tr("&Undo %1").arg(mask_->undoText()) : tr("&Undo"));
    });
    edit->addSeparator();
    auto toolAction = [&](const QString& text, const QString& key, MaskEditModel::Tool t) {
        QAction* a = edit->addAction(text, this, [this, t] { mask_->setTool(t); });
        a->setShortcut(QKeySequence(key));
    };
    toolAction(tr("&Brush"), QStringLiteral("B"), MaskEditModel::Tool::Brush);
    toolAction(tr("&Eraser"), QStringLiteral("E"), MaskEditModel::Tool::Eraser);
    toolAction(tr("&Threshold brush"), QStringLiteral("T"), MaskEditModel::Tool::ThresholdBrush);
    toolAction(tr("&Fill"), QStringLiteral("G"), MaskEditModel::Tool::Fill);
    toolAction(tr("&Navigate only"), QStringLiteral("N"), MaskEditModel::Tool::None);
    edit->addAction(tr("Label: lung"), this, [this] { mask_->setActiveLabel(Label::Lung); })->setShortcut(QKeySequence(QStringLiteral("1")));
    edit->addAction(tr("Label: infection"), this, [this] { mask_->setActiveLabel(Label::Infection); })->setShortcut(QKeySequence(QStringLiteral("2")));
    edit->addAction(tr("Smaller brush"), this, [this] { mask_->setBrushRadiusPixels(mask_->brushRadiusPixels() / 1.2); })->setShortcut(QKeySequence(QStringLiteral("[")));
    edit->addAction(tr("Larger brush"), this, [this] { mask_->setBrushRadiusPixels(mask_->brushRadiusPixels() * 1.2); })->setShortcut(QKeySequence(QStringLiteral("]")));
    edit->addSeparator();
    edit->addAction(tr("Automatic &lung mask (this slice)"), this, [this] { applyAutomaticLungMask(false); })->setShortcut(QKeySequence(QStringLiteral("L")));
    edit->addAction(tr("Automatic lung mask (all slices)"), this, [this] { applyAutomaticLungMask(true); });
    edit->addAction(tr("Remove small infection islands (this slice)"), this, [this] {
        if (!mask_->hasMask()) return;
        // Via a copy, so that the removal is one undoable step.
        LabelVolume copy = *mask_->labels();
        mask::LabelEditor temp(copy);
        temp.removeSmallIslands(model_->slice(), Label::Infection, 20);
        temp.removeSmallIslands(model_->slice(), Label::Lung, 50);
        mask_->replaceSlice(model_->slice(), extractSlice(copy, model_->slice()), tr("remove small islands"));
    });
    edit->addAction(tr("Use this slice for &training"), this, [this] {
        model_->setTrainingSlice(model_->slice());
        mask_->setModified(true);
    })->setShortcut(QKeySequence(tr("Ctrl+T")));

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(tr("Zoom to &fit"), view_, &SliceView::zoomToFit)->setShortcut(QKeySequence(tr("Ctrl+0")));
    viewMenu->addAction(tr("Zoom &1:1"), view_, &SliceView::zoomOneToOne)->setShortcut(QKeySequence(tr("Ctrl+1")));
    viewMenu->addAction(tr("Show/hide &mask"), this, [this] { mask_->setVisible(!mask_->visible()); })->setShortcut(QKeySequence(QStringLiteral("M")));
    viewMenu->addAction(tr("&Outline mask"), this, [this] { mask_->setOutline(!mask_->outline()); })->setShortcut(QKeySequence(QStringLiteral("O")));
}

void MainWindow::updateTitle() {
    QString name = documentDir_.isEmpty() ? QFileInfo(currentPath_).fileName() : QFileInfo(documentDir_).fileName();
    if (name.isEmpty()) name = tr("untitled");
    if (!documentInUseBy_.isEmpty()) name += tr(" (in use in another window: read-only)");
    setWindowTitle(tr("%1%2 - CT Synthesis Workbench").arg(name, mask_->modified() ? QStringLiteral(" *") : QString()));
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentDocuments")).toStringList();
    for (const QString& dir : recent) recentMenu_->addAction(dir, this, [this, dir] { openDocument(dir); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecentDocument(const QString& dir) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentDocuments")).toStringList();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > 8) recent.removeLast();
    settings.setValue(QStringLiteral("recentDocuments"), recent);
    rebuildRecentMenu();
}

void MainWindow::openDocument(const QString& dir) {
    try {
        DocumentInfo info = readDocumentInfo(dir.toStdString());
        pendingDocument_ = dir;
        openPath(QString::fromStdString(info.sourcePath), QString::fromStdString(info.seriesId));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot open document"), QString::fromStdString(e.what()));
    }
}

bool MainWindow::saveDocument() {
    if (!mask_->hasMask()) return false;
    if (documentDir_.isEmpty()) {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the document"));
        if (dir.isEmpty()) return false;
        return saveDocumentAs(dir);
    }
    if (!documentInUseBy_.isEmpty()) {
        // Shown without its lock: never saved over; the user picks another folder.
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for a copy of the document (the original is in use)"));
        if (dir.isEmpty()) return false;
        return saveDocumentAs(dir);
    }
    return saveDocumentAs(documentDir_);
}

QString MainWindow::startTraining(const QString& preset) {
    if (!mask_->hasMask() || !current_) return tr("Open a CT series first.");
    if (model_->trainingSlice() < 0) model_->setTrainingSlice(model_->slice());
    const int z = model_->trainingSlice();
    LabelSlice labels = extractSlice(*mask_->labels(), z);
    const LabelCounts counts = countLabels(labels.pixels());
    if (counts.perLabel[1] + counts.perLabel[2] == 0)
        return tr("Slice %1 has no lung or infection mask yet. Paint it (or use the automatic lung mask) first.").arg(z + 1);
    // A run folder beside the document (or in the user's data folder before the document is saved).
    const QString base = !documentDir_.isEmpty() ? documentDir_ + QStringLiteral("/runs")
                                                 : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs");
    const QString run = base + QStringLiteral("/run-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QDir().mkpath(run + QStringLiteral("/input"));
    const std::size_t w = static_cast<std::size_t>(labels.width()), h = static_cast<std::size_t>(labels.height());
    CtSlice image = extractSlice(current_->volume, z);
    // 8-bit (already windowed) images are written in the HU scale of the engine's window, so that the
    // trainer maps them back to the same grey values.
    if (!current_->info.valuesAreHu)
        for (float& v : image.pixels()) v = v / 255.0f * 1500.0f - 1250.0f;
    try {
        writeNpyFloat32((run + QStringLiteral("/input/image.npy")).toStdString(), {h, w}, image.pixels());
        writeNpyFloat32((run + QStringLiteral("/input/mask.npy")).toStdString(), {h, w}, std::vector<float>(labels.pixels().begin(), labels.pixels().end()));
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    training_->start(run + QStringLiteral("/model"),
                     {QStringLiteral("--image"), run + QStringLiteral("/input/image.npy"), QStringLiteral("--mask"), run + QStringLiteral("/input/mask.npy"),
                      QStringLiteral("--preset"), preset, QStringLiteral("--threads"), QString::number(threads)});
    Json record = Json::object();
    record.set("model", (run + QStringLiteral("/model")).toStdString());
    record.set("preset", preset.toStdString());
    record.set("slice", z);
    record.set("started", QDateTime::currentDateTime().toString(Qt::ISODate).toStdString());
    record.set("status", "running");
    runs_.push(record);
    return {};
}

QString MainWindow::keepSample(const QImage& image, const LabelSlice& labels, quint64 seed) {
    if (documentDir_.isEmpty()) return tr("Save the document first: kept samples are stored in its folder.");
    const QString dir = documentDir_ + QStringLiteral("/kept");
    QDir().mkpath(dir);
    const QString base = QStringLiteral("%1/sample_seed%2").arg(dir).arg(seed);
    Slice<std::uint8_t> pixels(image.width(), image.height());
    for (int y = 0; y < image.height(); ++y) std::copy(image.constScanLine(y), image.constScanLine(y) + image.width(), &pixels.at(0, y));
    try {
        writePng8(pixels, (base + QStringLiteral("_image.png")).toStdString());
        writePngLabels(labels, (base + QStringLiteral("_mask.png")).toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    Json kept = Json::object();
    kept.set("image", (base + QStringLiteral("_image.png")).toStdString());
    kept.set("mask", (base + QStringLiteral("_mask.png")).toStdString());
    kept.set("seed", static_cast<double>(seed));
    kept.set("model", gallery_->modelDir().toStdString());
    keptSamples_.push(kept);
    mask_->setModified(true);
    return {};
}

void MainWindow::updatePreviewSource() {
    if (!mask_->hasMask() || !current_) return;
    const int z = model_->trainingSlice() >= 0 ? model_->trainingSlice() : model_->slice();
    const CtSlice real = extractSlice(current_->volume, z);
    QImage img(real.width(), real.height(), QImage::Format_Grayscale8);
    for (int y = 0; y < img.height(); ++y)
        windowToBytes(&real.pixels()[static_cast<std::size_t>(y) * real.width()], static_cast<std::size_t>(real.width()), WindowLevel{1500, -500}, img.scanLine(y));
    gallery_->setSource(extractSlice(*mask_->labels(), z), img, real, model_->valuesAreHu());
}

QString MainWindow::exportDataset(const QString& folder, int count, bool allSlices, bool overwrite, std::optional<double> minDice, const gan::DatasetLayout& layout) {
    if (!mask_->hasMask() || !current_) return tr("Open a CT series first.");
    const std::vector<gan::MaskInput> masks = documentMasks(allSlices);
    if (masks.empty()) return tr("No slice has a mask to synthesize from.");
    return gallery_->exportDataset(masks, folder, count, overwrite, minDice, layout);
}

std::vector<gan::MaskInput> MainWindow::documentMasks(bool allSlices) const {
    std::vector<gan::MaskInput> masks;
    if (!mask_->hasMask() || !current_) return masks;
    const int training = model_->trainingSlice() >= 0 ? model_->trainingSlice() : model_->slice();
    for (int z = 0; z < mask_->labels()->depth(); ++z) {
        if (!allSlices && z != training) continue;
        LabelSlice s = extractSlice(*mask_->labels(), z);
        const LabelCounts c = countLabels(s.pixels());
        if (c.perLabel[1] + c.perLabel[2] == 0) continue;
        // The document's slice grid: the samples keep the patient's spacing and position.
        masks.push_back({QStringLiteral("%1 slice %2").arg(QFileInfo(currentPath_).fileName()).arg(z + 1).toStdString(), s,
                         sliceGeometry(mask_->labels()->geometry(), z), extractSlice(current_->volume, z), model_->valuesAreHu()});
    }
    return masks;
}

bool MainWindow::claimDocumentFolder(const QString& dir, bool tellUser) {
    const std::string folder = QDir(dir).absolutePath().toStdString();
    if (documentLock_ && documentLock_->folder() == folder) return true;
    std::string holder;
    std::unique_ptr<DocumentLock> lock = DocumentLock::acquire(folder, &holder);
    if (!lock) {
        documentInUseBy_ = QString::fromStdString(holder);
        if (tellUser) {
            // Not modal-blocking: the document is still shown, and the user decides what to do.
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Document in use"),
                                        tr("%1 is open in another workbench window (%2). It is shown here, but this window will not save "
                                           "over it: Save asks for another folder.")
                                            .arg(dir, documentInUseBy_),
                                        QMessageBox::Ok, this);
            box->setObjectName(QStringLiteral("documentInUse"));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        return false;
    }
    documentLock_ = std::move(lock);
    documentInUseBy_.clear();
    return true;
}

bool MainWindow::saveDocumentAs(const QString& dir) {
    if (!mask_->hasMask() || !current_) return false;
    if (!claimDocumentFolder(dir, false)) {
        QMessageBox::warning(this, tr("Cannot save"),
                             tr("%1 is open in another workbench window (%2); nothing was written. Choose another folder with "
                                "Save document as.")
                                 .arg(dir, documentInUseBy_));
        return false;
    }
    DocumentInfo info;
    info.extra.set("runs", runs_);
    info.extra.set("kept_samples", keptSamples_);
    info.sourcePath = QFileInfo(currentPath_).absoluteFilePath().toStdString();
    info.seriesId = current_->info.id;
    info.trainingSlice = model_->trainingSlice();
    info.windowWidth = model_->window().width;
    info.windowLevel = model_->window().level;
    try {
        ctsw::saveDocument(dir.toStdString(), info, *mask_->labels());
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot save"), QString::fromStdString(e.what()));
        return false;
    }
    documentDir_ = dir;
    mask_->setModified(false);
    discardRecovery(info.sourcePath, info.seriesId);
    addRecentDocument(dir);
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(dir), 5000);
    return true;
}

void MainWindow::autosaveNow() {
    if (!mask_->hasMask() || !mask_->modified() || !current_ || mask_->revision() == autosavedRevision_) return;
    autosavedRevision_ = mask_->revision();
    DocumentInfo info;
    info.sourcePath = QFileInfo(currentPath_).absoluteFilePath().toStdString();
    info.seriesId = current_->info.id;
    info.trainingSlice = model_->trainingSlice();
    info.extra.set("document", documentDir_.toStdString());
    auto copy = std::make_shared<LabelVolume>(*mask_->labels());  // the worker writes a snapshot
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([info, copy, self] {
        try {
            writeRecovery(info, *copy);
        } catch (const std::exception& e) {
            const QString msg = QString::fromStdString(e.what());
            QMetaObject::invokeMethod(qApp, [self, msg] {
                if (self) self->statusBar()->showMessage(tr("Autosave failed: %1").arg(msg), 15000);
            }, Qt::QueuedConnection);
        }
    });
}

void MainWindow::applyAutomaticLungMask(bool wholeVolume) {
    if (!mask_->hasMask() || !current_) return;
    const CtVolume& vol = current_->volume;
    const bool valuesAreHu = current_->info.valuesAreHu;
    auto lungFor = [&](int z) {
        const Slice<float> slice = extractSlice(vol, z);
        LabelSlice lung = mask::automaticLungMask(slice, mask::LungMaskOptions::forImage(slice, valuesAreHu));
        const std::uint8_t* old = mask_->labels()->slicePointer(z);
        // Painted infection stays; the lung is recomputed around it.
        for (std::size_t i = 0; i < lung.pixels().size(); ++i)
            if (old[i] == static_cast<std::uint8_t>(Label::Infection)) lung.pixels()[i] = static_cast<std::uint8_t>(Label::Infection);
        return lung;
    };
    QApplication::setOverrideCursor(Qt::WaitCursor);
    std::size_t changed = 0;
    if (wholeVolume) {
        LabelVolume all = *mask_->labels();
        for (int z = 0; z < vol.depth(); ++z) {
            LabelSlice s = lungFor(z);
            std::copy(s.pixels().begin(), s.pixels().end(), all.slicePointer(z));
        }
        changed = mask_->replaceVolume(all, tr("automatic lung mask (all slices)"));
    } else {
        changed = mask_->replaceSlice(model_->slice(), lungFor(model_->slice()), tr("automatic lung mask"));
    }
    QApplication::restoreOverrideCursor();
    // 8-bit slices each get their own threshold (mask::eightBitLungThreshold); the shown slice's is named.
    const float threshold = mask::LungMaskOptions::forImage(extractSlice(vol, model_->slice()), valuesAreHu).threshold;
    statusBar()->showMessage(tr("Automatic lung mask: %1 voxels changed (threshold %2)").arg(changed).arg(threshold), 8000);
}

void MainWindow::importMask() {
    if (!mask_->hasMask()) return;
    const QString f = QFileDialog::getOpenFileName(this, tr("Import mask"), QString(), tr("Masks (*.nii *.nii.gz *.png *.npy);;All files (*)"));
    if (f.isEmpty()) return;
    QStringList names;
    for (const auto& n : LabelMapping::names()) names << QString::fromStdString(n);
    bool ok = false;
    const QString mapping = QInputDialog::getItem(this, tr("Label mapping"), tr("How are the mask's values encoded?"), names, 0, false, &ok);
    if (!ok) return;
    try {
        const LabelMapping m = LabelMapping::named(mapping.toStdString());
        if (isNiftiPath(f.toStdString())) {
            LabelVolume v = readNiftiLabels(f.toStdString(), m);
            if (v.depth() == 1 && mask_->labels()->depth() > 1) {
                mask_->replaceSlice(model_->slice(), readMaskSlice(f.toStdString(), m, mask_->labels()->width(), mask_->labels()->height()), tr("import mask"));
            } else {
                if (!v.geometry().sameGrid(mask_->labels()->geometry()))
                    throw std::runtime_error(f.toStdString() + ": mask grid (" + v.geometry().describe() + ") differs from the image (" +
                                             mask_->labels()->geometry().describe() + ")");
                mask_->replaceVolume(v, tr("import mask"));
            }
        } else {
            mask_->replaceSlice(model_->slice(), readMaskSlice(f.toStdString(), m, mask_->labels()->width(), mask_->labels()->height()), tr("import mask"));
        }
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot import mask"), QString::fromStdString(e.what()));
    }
}

void MainWindow::exportMask() {
    if (!mask_->hasMask()) return;
    const QString f = QFileDialog::getSaveFileName(this, tr("Export mask"), QString(),
                                                   tr("NIfTI volume (*.nii.gz);;PNG of this slice, values 0/1/2 (*.png)"));
    if (f.isEmpty()) return;
    try {
        if (f.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) writePngLabels(extractSlice(*mask_->labels(), model_->slice()), f.toStdString());
        else writeNiftiLabels(*mask_->labels(), f.toStdString());
        statusBar()->showMessage(tr("Exported %1").arg(f), 5000);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot export mask"), QString::fromStdString(e.what()));
    }
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (mask_->hasMask() && mask_->modified()) {
        const auto answer = QMessageBox::question(this, tr("Unsaved mask"), tr("The mask has unsaved changes. Save them?"),
                                                  QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !saveDocument())) {
            e->ignore();
            return;
        }
        if (answer == QMessageBox::Discard && current_)
            discardRecovery(QFileInfo(currentPath_).absoluteFilePath().toStdString(), current_->info.id);
    }
    QThreadPool::globalInstance()->waitForDone();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState(kDockLayoutVersion));
    e->accept();
}

void MainWindow::buildToolBar() {
    QToolBar* bar = addToolBar(tr("View"));
    bar->setObjectName(QStringLiteral("viewToolBar"));
    bar->addWidget(new QLabel(tr(" Window: "), bar));
    windowCombo_ = new QComboBox(bar);
    windowCombo_->addItem(tr("Lung (W1500 / L-600)"), QStringLiteral("lung"));
    windowCombo_->addItem(tr("Mediastinum (W350 / L40)"), QStringLiteral("mediastinum"));
    windowCombo_->addItem(tr("Bone (W2000 / L500)"), QStringLiteral("bone"));
    windowCombo_->addItem(tr("Custom (right-drag on the image)"), QStringLiteral("custom"));
    bar->addWidget(windowCombo_);
    connect(windowCombo_, qOverload<int>(&QComboBox::activated), this, [this](int i) {
        const QString name = windowCombo_->itemData(i).toString();
        if (name != QLatin1String("custom")) model_->setWindow(windowByName(name.toStdString()));
    });
    bar->addSeparator();
    bar->addWidget(new QLabel(tr(" Slice: "), bar));
    sliceSlider_ = new QSlider(Qt::Horizontal, bar);
    sliceSlider_->setMinimumWidth(260);
    sliceSlider_->setEnabled(false);
    bar->addWidget(sliceSlider_);
    sliceSpin_ = new QSpinBox(bar);
    sliceSpin_->setEnabled(false);
    bar->addWidget(sliceSpin_);
    connect(sliceSlider_, &QSlider::valueChanged, model_, &SliceViewModel::setSlice);
    connect(sliceSpin_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) { model_->setSlice(v - 1); });
}

void MainWindow::syncWindowCombo() {
    const int i = windowCombo_->findData(model_->windowPresetName());
    windowCombo_->setCurrentIndex(i >= 0 ? i : windowCombo_->count() - 1);
}

void MainWindow::openPath(const QString& path, const QString& seriesId) {
    currentPath_ = path;
    if (!progress_) {
        progress_ = new QProgressDialog(this);
        progress_->setWindowTitle(tr("Loading"));
        progress_->setRange(0, 1000);
        progress_->setMinimumDuration(300);
        progress_->setAutoClose(true);
        progress_->setAutoReset(true);
        connect(progress_, &QProgressDialog::canceled, loader_, &VolumeLoader::cancel);
    }
    progress_->setLabelText(tr("Opening %1").arg(QFileInfo(path).fileName()));
    progress_->setValue(0);
    statusBar()->showMessage(tr("Loading %1 ...").arg(path));
    loader_->start(path, seriesId);
}

void MainWindow::onLoaded(std::shared_ptr<LoadedVolume> volume, std::shared_ptr<SourceListing> listing) {
    if (progress_) progress_->reset();
    current_ = volume;
    listing_ = listing;
    // The view shares the volume without copying it.
    auto shared = std::shared_ptr<const CtVolume>(volume, &volume->volume);
    model_->setVolume(shared, volume->info.valuesAreHu);
    // The mask: the document's, or a recovered copy of unsaved work, or a new empty one.
    const std::string source = QFileInfo(currentPath_).absoluteFilePath().toStdString();
    std::shared_ptr<LabelVolume> labels;
    const QString document = pendingDocument_;
    pendingDocument_.clear();
    documentDir_.clear();
    documentLock_.reset();
    documentInUseBy_.clear();
    runs_ = Json::array();
    keptSamples_ = Json::array();
    try {
        if (!document.isEmpty()) {
            labels = std::make_shared<LabelVolume>(readDocumentMasks(document.toStdString(), &volume->volume.geometry()));
            const DocumentInfo info = readDocumentInfo(document.toStdString());
            documentDir_ = document;
            claimDocumentFolder(document, true);
            if (const Json* runs = info.extra.find("runs")) runs_ = *runs;
            if (const Json* kept = info.extra.find("kept_samples")) keptSamples_ = *kept;
            addRecentDocument(document);
            if (info.windowWidth > 0) model_->setWindow({info.windowWidth, info.windowLevel});
            model_->setTrainingSlice(info.trainingSlice);
            if (info.trainingSlice >= 0) model_->setSlice(info.trainingSlice);
        }
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot open the document's masks"), QString::fromStdString(e.what()));
    }
    if (auto recovery = findRecovery(source, volume->info.id)) {
        const auto answer = QMessageBox::question(this, tr("Recover unsaved work"),
                                                  tr("A mask for this series was autosaved at %1 but never saved. Recover it?")
                                                      .arg(QString::fromStdString(recovery->savedAt)),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
        if (answer == QMessageBox::Yes) {
            try {
                labels = std::make_shared<LabelVolume>(readNiftiLabels(recovery->maskPath, LabelMapping::named("identity")));
                if (!labels->geometry().sameGrid(volume->volume.geometry())) throw std::runtime_error(recovery->maskPath + ": grid differs from the image");
                model_->setTrainingSlice(recovery->info.trainingSlice);
                const std::string doc = recovery->info.extra.stringOr("document", "");
                if (!doc.empty()) {
                    documentDir_ = QString::fromStdString(doc);
                    claimDocumentFolder(documentDir_, true);
                }
            } catch (const std::exception& e) {
                labels.reset();
                QMessageBox::warning(this, tr("Cannot recover"), QString::fromStdString(e.what()));
            }
        } else {
            discardRecovery(source, volume->info.id);
        }
    }
    const bool recovered = labels && document.isEmpty();
    if (surfaces_) surfaces_->setImage(shared);
    mask_->reset(shared, labels);
    {
        DatasetPanel::DocumentSource source;
        source.masks = [this](bool allSlices) { return documentMasks(allSlices); };
        source.ct = shared;
        source.valuesAreHu = volume->info.valuesAreHu;
        source.imagePath = QFileInfo(currentPath_).absoluteFilePath();
        source.seriesId = QString::fromStdString(volume->info.id);
        source.outputFolder = documentDir_.isEmpty() ? QDir::homePath() : documentDir_;  // never beside a read-only or shared series
        datasetPanel_->setDocument(source);
    }
    if (surfaces_) surfaces_->setContextSlice(model_->slice(), model_->window().width, model_->window().level);
    if (recovered) mask_->setModified(true);
    autosavedRevision_ = mask_->revision();
    updateTitle();
    if (!pendingModel_.isEmpty()) {
        const QString problem = gallery_->loadModel(pendingModel_);
        if (!problem.isEmpty()) QMessageBox::warning(this, tr("Cannot load the model"), problem);
        pendingModel_.clear();
        if (problem.isEmpty() && !pendingJudge_.isEmpty()) {
            const QString judgeProblem = gallery_->setJudge(pendingJudge_);
            if (!judgeProblem.isEmpty()) QMessageBox::warning(this, tr("Cannot use this judge"), judgeProblem);
        }
        pendingJudge_.clear();
        updatePreviewSource();
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("previewDock"))) dock->raise();
    }
    QString msg = tr("Loaded %1 slices of %2 x %3").arg(model_->sliceCount()).arg(volume->volume.width()).arg(volume->volume.height());
    if (listing->series.size() > 1) msg += tr("; %1 series in this folder, showing the largest").arg(listing->series.size());
    if (!volume->info.warnings.empty()) msg += tr("; %n warning(s), see the Series panel", "", static_cast<int>(volume->info.warnings.size()));
    statusBar()->showMessage(msg, 15000);
    showSeriesDetails();
    view_->setFocus();
}

void MainWindow::onFailed(const QString& message) {
    if (progress_) progress_->reset();
    statusBar()->showMessage(tr("Could not open %1").arg(currentPath_), 15000);
    QMessageBox::warning(this, tr("Cannot open"), message);
}

void MainWindow::showSeriesDetails() {
    if (!current_) return;
    const SeriesInfo& s = current_->info;
    const Geometry& g = current_->volume.geometry();
    QString html;
    html += QStringLiteral("<h3>%1</h3>").arg(QString::fromStdString(s.description.empty() ? s.id : s.description).toHtmlEscaped());
    html += QStringLiteral("<table>");
    auto row = [&html](const QString& k, const QString& v) { html += QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td>%2</td></tr>").arg(k, v.toHtmlEscaped()); };
    row(tr("Source"), currentPath_);
    row(tr("Modality"), QString::fromStdString(s.modality));
    row(tr("Format"), QString::fromStdString(s.format));
    row(tr("Size"), tr("%1 x %2, %3 slices").arg(g.size[0]).arg(g.size[1]).arg(g.size[2]));
    row(tr("Spacing"), tr("%1 x %2 x %3 mm").arg(g.spacing[0], 0, 'g', 6).arg(g.spacing[1], 0, 'g', 6).arg(g.spacing[2], 0, 'g', 6));
    row(tr("Origin"), tr("(%1, %2, %3) mm LPS").arg(g.origin[0], 0, 'f', 1).arg(g.origin[1], 0, 'f', 1).arg(g.origin[2], 0, 'f', 1));
    row(tr("Values"), s.valuesAreHu ? tr("Hounsfield units") : tr("display intensities (not HU)"));
    row(tr("Series UID"), QString::fromStdString(s.uid));
    html += QStringLiteral("</table>");
    if (!s.warnings.empty()) {
        html += QStringLiteral("<h4>%1</h4><ul>").arg(tr("Warnings"));
        for (const auto& w : s.warnings) html += QStringLiteral("<li>%1</li>").arg(QString::fromStdString(w).toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    if (listing_ && listing_->series.size() > 1) {
        html += QStringLiteral("<h4>%1</h4><ul>").arg(tr("Other series here"));
        for (const auto& other : listing_->series)
            if (other.id != s.id)
                html += QStringLiteral("<li><a href=\"series:%4\">%1</a> (%2 slices)%3</li>")
                            .arg(QString::fromStdString(other.description.empty() ? other.id : other.description).toHtmlEscaped())
                            .arg(other.geometry.size[2])
                            .arg(other.notLoadable.empty() ? QString() : QStringLiteral(": ") + QString::fromStdString(other.notLoadable).toHtmlEscaped())
                            .arg(QString::fromStdString(other.id).toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    if (listing_ && !listing_->skipped.empty())
        html += QStringLiteral("<p>%1</p>").arg(tr("%n file(s) skipped (not DICOM images).", "", static_cast<int>(listing_->skipped.size())));
    details_->setHtml(html);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    const auto urls = e->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) openPath(urls.first().toLocalFile());
}

}  // namespace ctsw
