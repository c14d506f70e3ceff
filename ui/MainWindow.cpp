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
#include <QMimeData>
#include <QProgressDialog>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTextBrowser>
#include <QToolBar>

#include "SliceView.h"
#include "SliceViewModel.h"
#include "VolumeLoader.h"
#include "io/ImageSource.h"

namespace ctsw {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new SliceViewModel(this)), view_(new SliceView(model_, this)), loader_(new VolumeLoader(this)) {
    setWindowTitle(tr("CT Synthesis Workbench"));
    setCentralWidget(view_);
    setAcceptDrops(true);
    resize(1180, 820);

    auto* dock = new QDockWidget(tr("Series"), this);
    dock->setObjectName(QStringLiteral("seriesDock"));
    details_ = new QTextBrowser(dock);
    details_->setMinimumWidth(300);
    dock->setWidget(details_);
    addDockWidget(Qt::RightDockWidgetArea, dock);

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
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
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
    model_->setVolume(std::shared_ptr<const CtVolume>(volume, &volume->volume), volume->info.valuesAreHu);
    setWindowTitle(tr("%1 - CT Synthesis Workbench").arg(QFileInfo(currentPath_).fileName()));
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
                html += QStringLiteral("<li>%1 (%2 slices)%3</li>")
                            .arg(QString::fromStdString(other.description.empty() ? other.id : other.description).toHtmlEscaped())
                            .arg(other.geometry.size[2])
                            .arg(other.notLoadable.empty() ? QString() : QStringLiteral(": ") + QString::fromStdString(other.notLoadable).toHtmlEscaped());
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
