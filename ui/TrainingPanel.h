#pragma once
// The training panel: preset and an honest time estimate, Start / Pause / Stop / Cancel / Resume,
// progress over the whole schedule with phase, speed and ETA, live loss curves (QCustomPlot) with
// stage boundaries, log scale, smoothing, hover values and CSV/PNG export, and a log.
#include <QMap>
#include <QVector>
#include <QWidget>

#include "TrainingController.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace ctsw {

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(TrainingController* controller, QWidget* parent = nullptr);

    QString preset() const;
    // Called by the window when Start is pressed; it prepares inputs and calls controller->start().
    void setStartHandler(std::function<void(const QString& preset)> handler) { startHandler_ = std::move(handler); }
    // Points received so far per loss name (tests, CSV export).
    int pointCount(const QString& loss) const { return xs_.value(loss).size(); }
    bool exportCsv(const QString& path) const;
    QCustomPlot* plot() const { return plot_; }
    QString deviceText() const;  // "Device: ..." once cosingan has answered

private:
    void addPoint(double x, const QVariantMap& losses);
    void markStage(double x, int scale, int stage);
    void updateButtons();
    void updateProgress();
    void replot();
    static QString estimateFor(const QString& preset, bool cuda);

    TrainingController* controller_;
    std::function<void(const QString&)> startHandler_;
    QComboBox* preset_;
    QLabel* estimate_;
    QLabel* device_;
    bool cuda_ = false;
    QLabel* status_;
    QProgressBar* bar_;
    QPushButton *start_, *pause_, *stop_, *cancel_, *resume_;
    QCheckBox *logScale_, *smooth_;
    QCustomPlot* plot_;
    QPlainTextEdit* log_;
    QMap<QString, QVector<double>> xs_, ys_;
};

}  // namespace ctsw
