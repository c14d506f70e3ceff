#pragma once
#include <QMainWindow>
#include <memory>

class QComboBox;
class QLabel;
class QProgressDialog;
class QSlider;
class QSpinBox;
class QTextBrowser;

namespace ctsw {

class SliceView;
class SliceViewModel;
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
    SliceViewModel* sliceModel() const { return model_; }
    VolumeLoader* loader() const { return loader_; }

protected:
    void dragEnterEvent(QDragEnterEvent*) override;
    void dropEvent(QDropEvent*) override;

private:
    void buildActions();
    void buildToolBar();
    void onLoaded(std::shared_ptr<LoadedVolume> volume, std::shared_ptr<SourceListing> listing);
    void onFailed(const QString& message);
    void showSeriesDetails();
    void syncWindowCombo();

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
};

}  // namespace ctsw
