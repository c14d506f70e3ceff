#pragma once
#include <QMainWindow>
#include <memory>
#include <optional>

#include "gan/DatasetExport.h"
#include "image/Volume.h"
#include "json/Json.h"

class QComboBox;
class QLabel;
class QProgressDialog;
class QSlider;
class QSpinBox;
class QTextBrowser;

namespace ctsw {

class LabelSurfaceView;
class MaskEditModel;
class TrainingController;
class TrainingPanel;
class PreviewGallery;
class DatasetPanel;
class MaskToolPanel;
class SliceView;
class SliceViewModel;
class DocumentLock;
class VolumeLoader;
struct LoadedVolume;
struct SourceListing;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads in the background; the window stays responsive and shows progress with Cancel.
    void openPath(const QString& path, const QString& seriesId = {});
    // Opens a document folder: its source series, then its masks and settings.
    void openDocument(const QString& dir);
    // Saves the document (asks for a folder the first time); returns false when cancelled or failed.
    bool saveDocument();
    bool saveDocumentAs(const QString& dir);
    SliceViewModel* sliceModel() const { return model_; }
    MaskEditModel* maskModel() const { return mask_; }
    VolumeLoader* loader() const { return loader_; }
    SliceView* sliceView() const { return view_; }
    LabelSurfaceView* surfaceView() const { return surfaces_; }
    TrainingController* training() const { return training_; }
    TrainingPanel* trainingPanel() const { return trainingPanel_; }
    PreviewGallery* gallery() const { return gallery_; }
    DatasetPanel* datasetPanel() const { return datasetPanel_; }
    // Feeds the preview with the mask of the training slice (or the current slice).
    void updatePreviewSource();
    // Loads a trained model into the preview once the series is open (the --model option).
    void setPreviewModel(const QString& dir) { pendingModel_ = dir; }
    // A segmentation model that checks the previews of that model (the gallery's Judge).
    void setPreviewJudge(const QString& dir) { pendingJudge_ = dir; }
    // Saves a kept preview sample (image, mask, seed) into the document's kept/ folder; returns the
    // error text or empty.
    QString keepSample(const QImage& image, const LabelSlice& mask, quint64 seed);
    // Exports `count` samples for the current slice's mask, or for every slice with a mask.
    QString exportDataset(const QString& folder, int count, bool allSlices, bool overwrite, std::optional<double> minDice = std::nullopt,
                          const gan::DatasetLayout& layout = {});
    // The document's masks as dataset inputs with their slice grid and source slice: the training
    // slice's (or the current one's), or every slice with lung or infection.
    std::vector<gan::MaskInput> documentMasks(bool allSlices) const;
    // Writes the training slice and its mask as NPY and starts `cosingan train` on them. Returns the
    // reason when it cannot start (the Start button shows it), empty when training started.
    QString startTraining(const QString& preset);
    QString documentDir() const { return documentDir_; }
    // A document another window or workbench holds: shown, never saved over (Save asks for a new folder).
    QString documentInUseBy() const { return documentInUseBy_; }
    // Writes the recovery copy of unsaved masks now (the timer does it every minute).
    void autosaveNow();
    // Automatic lung mask for the current slice or all slices (keeps painted infection).
    void applyAutomaticLungMask(bool wholeVolume);

protected:
    void dragEnterEvent(QDragEnterEvent*) override;
    void dropEvent(QDropEvent*) override;
    void closeEvent(QCloseEvent*) override;

private:
    void buildActions();
    void buildToolBar();
    void onLoaded(std::shared_ptr<LoadedVolume> volume, std::shared_ptr<SourceListing> listing);
    void onFailed(const QString& message);
    void showSeriesDetails();
    void syncWindowCombo();
    void updateTitle();
    void addRecentDocument(const QString& dir);
    void rebuildRecentMenu();
    void importMask();
    void exportMask();
    // Takes the document lock on `dir` for this window (releasing the one it held). On refusal it says
    // who holds the document (a message box when `tellUser`) and returns false.
    bool claimDocumentFolder(const QString& dir, bool tellUser);

    SliceViewModel* model_;
    SliceView* view_;
    VolumeLoader* loader_;
    QProgressDialog* progress_ = nullptr;
    QComboBox* windowCombo_ = nullptr;
    QSlider* sliceSlider_ = nullptr;
    QSpinBox* sliceSpin_ = nullptr;
    QLabel* cursorLabel_ = nullptr;
    QTextBrowser* details_ = nullptr;
    std::shared_ptr<LoadedVolume> current_;
    std::shared_ptr<SourceListing> listing_;
    QString currentPath_;
    MaskEditModel* mask_;
    MaskToolPanel* tools_ = nullptr;
    LabelSurfaceView* surfaces_ = nullptr;
    TrainingController* training_ = nullptr;
    TrainingPanel* trainingPanel_ = nullptr;
    PreviewGallery* gallery_ = nullptr;
    DatasetPanel* datasetPanel_ = nullptr;
    Json runs_ = Json::array();  // training runs of this document
    Json keptSamples_ = Json::array();  // preview samples the user kept
    QString documentDir_;
    std::unique_ptr<DocumentLock> documentLock_;
    QString documentInUseBy_;  // who holds the document this window shows without its lock
    QString pendingDocument_;
    QString pendingModel_, pendingJudge_;
    class QTimer* autosave_ = nullptr;
    class QMenu* recentMenu_ = nullptr;
    quint64 autosavedRevision_ = 0;
};

}  // namespace ctsw
