#pragma once
// Synthesized previews of the current mask: N samples with seeds, randomized condition, test-time
// dropout and optional fusion with a second model, re-synthesized in the background while the mask is
// edited (the newest request wins; stale ones are dropped). Also the dataset export.
#include <QImage>
#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "gan/DatasetExport.h"
#include "image/Volume.h"

class QCheckBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QSpinBox;
class QDoubleSpinBox;

namespace ctsw {
namespace gan {
class Synthesizer;
}

class PreviewGallery : public QWidget {
    Q_OBJECT
public:
    explicit PreviewGallery(QWidget* parent = nullptr);
    ~PreviewGallery() override;

    // Loads a trained model (and optionally a second one for fusion); returns the error text or empty.
    QString loadModel(const QString& dir, const QString& secondDir = {});
    bool hasModel() const;
    QString modelDir() const { return modelDir_; }
    // The mask to synthesize from and the real slice for the A/B comparison.
    // `sourceValues` is the mask's slice (HU when valuesAreHu): a body_condition model takes the
    // patient's outline from it.
    void setSource(const LabelSlice& mask, const QImage& realSlice, const CtSlice& sourceValues = {}, bool valuesAreHu = true);
    // Asks for new samples now (setSource also asks, debounced).
    void refresh();
    int sampleCount() const { return shown_; }
    QImage sample(int i) const { return i < images_.size() ? images_[i] : QImage(); }

    // A segmentation model (`cosingan seg-train`) that checks every preview: each tile shows the judge's
    // DSC and an ok/suspect flag, and the export records them. Empty `dir` removes the judge. Returns
    // the error text or empty.
    QString setJudge(const QString& dir);
    QString judgeDir() const { return judgeDir_; }
    // "ok", "suspect" or empty (no judge) for shown sample i, and the tile's explanation.
    QString sampleFlag(int i) const { return flags_.value(i); }
    QString sampleFlagDetails(int i) const { return flagDetails_.value(i); }
    // The loaded model's recorded `cosingan quality` figures in one line, or empty when none.
    QString modelQualitySummary() const { return qualitySummary_; }

    // Exports `count` samples per mask into `folder` (hidden folder renamed at the end). With a judge
    // set every sample carries its flag in the manifests; `minDice` also leaves suspect samples out.
    // Returns the error text or empty; blocks with a progress dialog and a Cancel button.
    // `layout` chooses the product's folders, nnU-Net's raw dataset (in folder/DatasetNNN_NAME) or MONAI's datalist.
    QString exportDataset(const std::vector<gan::MaskInput>& masks, const QString& folder, int count, bool overwrite,
                          std::optional<double> minDice = std::nullopt, const gan::DatasetLayout& layout = {});
    // What the last successful export wrote.
    const gan::DatasetResult& lastExport() const { return lastExport_; }

    quint64 sampleSeed(int i) const { return i < seeds_.size() ? seeds_[i] : 0; }
    // Opens sample i at 1:1 with an A/B toggle and a Keep button.
    void showSample(int i);
    // The number of columns that gives `count` square tiles the largest side in `area` with `spacing`
    // pixels between them (the fewer columns on a tie); 1 for an empty area.
    static int tileColumns(int count, const QSize& area, int spacing);
    int columns() const { return columns_; }

Q_SIGNALS:
    void samplesShown(int count, double seconds);
    void modelLoaded(const QString& dir);
    void judgeChanged(const QString& dir);
    // The user keeps sample i: its 8-bit image, the mask it was made from, and its seed.
    void keepRequested(const QImage& image, const ctsw::LabelSlice& mask, quint64 seed);

protected:
    void resizeEvent(QResizeEvent* e) override;

private:
    void showResults(quint64 generation, const QList<QImage>& images, const QList<quint64>& seeds, const QStringList& flags, const QStringList& details,
                     double seconds);
    void showModelStatus();
    QString loadJudge(const QString& dir);  // setJudge without asking for new samples
    QPixmap tilePixmap(int i, const QSize& size) const;
    void layoutThumbs();
    bool eventFilter(QObject* watched, QEvent* event) override;

    std::shared_ptr<gan::Synthesizer> synth_;
    QString modelDir_;
    QString judgeDir_;
    std::function<gan::SampleAssessment(const gan::SynthesizedSample&)> judge_;  // called under runMutex_
    QString qualitySummary_;
    gan::DatasetResult lastExport_;
    LabelSlice mask_;
    QImage real_;
    CtSlice sourceValues_;
    bool sourceIsHu_ = true;
    std::atomic<quint64> generation_{0};
    std::mutex runMutex_;  // one synthesis at a time
    QList<QImage> images_;
    QList<quint64> seeds_;
    QStringList flags_, flagDetails_;
    LabelSlice shownMask_;  // the mask the shown samples were made from
    int shown_ = 0;
    QSpinBox* count_;
    QSpinBox* seed_;
    QCheckBox* rc_;
    QSpinBox* rcBackground_;
    QSpinBox* rcLung_;
    QSpinBox* rcInfection_;
    QCheckBox* dropout_;
    QDoubleSpinBox* alpha_;
    QCheckBox* randomAlpha_;
    QPushButton* ab_;
    QPushButton* judgeButton_;
    QLabel* status_;
    QGridLayout* grid_;
    QList<QLabel*> thumbs_;
    int columns_ = 4;   // until the grid has a size
    int laidOut_ = -1;  // how many tiles the grid holds
    class QTimer* debounce_;
};

}  // namespace ctsw
