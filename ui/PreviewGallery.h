#pragma once
// Synthesized previews of the current mask: N samples with seeds, randomized condition, test-time
// dropout and optional fusion with a second model, re-synthesized in the background while the mask is
// edited (the newest request wins; stale ones are dropped). Also the dataset export.
#include <QImage>
#include <QWidget>
#include <atomic>
#include <memory>
#include <mutex>

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
    void setSource(const LabelSlice& mask, const QImage& realSlice);
    // Asks for new samples now (setSource also asks, debounced).
    void refresh();
    int sampleCount() const { return shown_; }
    QImage sample(int i) const { return i < images_.size() ? images_[i] : QImage(); }

    // Exports `count` samples per mask into `folder` (hidden folder renamed at the end). Returns the
    // error text or empty; blocks with a progress dialog and a Cancel button.
    QString exportDataset(const std::vector<std::pair<std::string, LabelSlice>>& masks, const QString& folder, int count, bool overwrite);

    quint64 sampleSeed(int i) const { return i < seeds_.size() ? seeds_[i] : 0; }
    // Opens sample i at 1:1 with an A/B toggle and a Keep button.
    void showSample(int i);

Q_SIGNALS:
    void samplesShown(int count, double seconds);
    // The user keeps sample i: its 8-bit image, the mask it was made from, and its seed.
    void keepRequested(const QImage& image, const ctsw::LabelSlice& mask, quint64 seed);

protected:
    void resizeEvent(QResizeEvent* e) override;

private:
    void showResults(quint64 generation, const QList<QImage>& images, const QList<quint64>& seeds, double seconds);
    void layoutThumbs();
    bool eventFilter(QObject* watched, QEvent* event) override;

    std::shared_ptr<gan::Synthesizer> synth_;
    QString modelDir_;
    LabelSlice mask_;
    QImage real_;
    std::atomic<quint64> generation_{0};
    std::mutex runMutex_;  // one synthesis at a time
    QList<QImage> images_;
    QList<quint64> seeds_;
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
    QLabel* status_;
    QGridLayout* grid_;
    QList<QLabel*> thumbs_;
    class QTimer* debounce_;
};

}  // namespace ctsw
