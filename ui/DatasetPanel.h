#pragma once
// The Dataset panel: from a trained model to a training set in one place. The user chooses the
// model (and a second one for fusion), the masks (this slice's, every painted slice, a folder of
// masks, or lesions generated on the open series like those of annotated masks), samples per mask
// and diversity, the layout (product, nnU-Net v2, MONAI), an optional judge; the run goes on a
// worker (core/dataset's runDatasetJob, the code `cosingan lesions` and `synthesize` use) with
// progress, ETA and Cancel, and the panel then shows what was written. "Write cluster run" writes
// the same request as a `cosingan batch` plan and run folder with SLURM scripts (nothing submitted).
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "gan/DatasetExport.h"
#include "image/Volume.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QElapsedTimer;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace ctsw {

namespace dataset {
struct DatasetRequest;
}

class DatasetPanel : public QWidget {
    Q_OBJECT
public:
    enum class MaskSource { TrainingSlice = 0, EverySlice = 1, Folder = 2, Lesions = 3 };

    explicit DatasetPanel(QWidget* parent = nullptr);
    ~DatasetPanel() override;

    // What the open document offers: its masks (the training slice's, or every slice with a mask),
    // its CT for lesions, the file or folder it came from, and where outputs go by default.
    struct DocumentSource {
        std::function<std::vector<gan::MaskInput>(bool allSlices)> masks;
        std::shared_ptr<const CtVolume> ct;
        bool valuesAreHu = true;
        QString imagePath;  // the series' file or folder (recorded, and used by cluster plans)
        QString seriesId;
        QString outputFolder;  // default parent for datasets (the document's folder)
    };
    void setDocument(const DocumentSource& source);

    void setModel(const QString& dir);
    void setJudge(const QString& dir);
    void setMaskSource(MaskSource source);
    void setLikeMasks(const QString& pathOrFolder);
    void setSlices(int first, int last);  // 1-based, inclusive, as the slice spin box shows them
    void setCountPerMask(int n);
    void setLesionsPerSlice(int n);
    void setLayout(const QString& kind);  // product | nnunet | monai
    void setOutputFolder(const QString& dir);

    // Starts the run (returns the reason when it cannot start, empty when it started). An existing
    // dataset folder is replaced only with `replaceExisting` (the button asks first).
    QString start(bool replaceExisting = false);
    void cancel();
    bool isRunning() const { return running_; }
    // What the last finished run wrote, or why it failed ("cancelled" when cancelled).
    QString lastError() const { return lastError_; }
    QString lastFolder() const { return lastFolder_; }
    int lastSamples() const { return lastSamples_; }
    int lastLesionMasks() const { return lastLesionMasks_; }
    int shownThumbnails() const;
    // Writes the current request as a batch plan and run folder (dry: nothing is submitted); returns
    // the run folder or throws std::runtime_error with the reason.
    QString writeClusterRun(const QString& runDir);

Q_SIGNALS:
    void finished(bool ok);

private:
    std::unique_ptr<dataset::DatasetRequest> buildRequest(QString* problem) const;
    void onFinished();
    void showWritten(const QString& folder);
    void updateEnabled();
    QString browseFolder(QLineEdit* edit, const QString& title);

    DocumentSource document_;
    QLineEdit *model_, *model2_, *judge_, *like_, *maskFolder_, *out_, *datasetName_;
    QComboBox *source_, *layout_;
    QSpinBox *count_, *seed_, *firstSlice_, *lastSlice_, *perSlice_, *datasetId_;
    QDoubleSpinBox *burdenLow_, *burdenHigh_, *minDice_, *alpha_;
    QCheckBox *rc_, *dropout_, *peripheral_, *burdenFromMasks_;
    QStackedWidget* sourceOptions_;
    QPushButton *start_, *cancel_, *cluster_;
    QProgressBar* bar_;
    QLabel* status_;
    QListWidget* grid_;
    QTimer* poll_;
    std::unique_ptr<QElapsedTimer> clock_;
    struct Shared;
    std::shared_ptr<Shared> shared_;
    bool running_ = false;
    QString lastError_, lastFolder_;
    int lastSamples_ = 0, lastLesionMasks_ = 0;
};

}  // namespace ctsw
