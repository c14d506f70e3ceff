#pragma once
// The 3D view of the mask: lung and infection surfaces (discrete flying edges, lightly smoothed) with
// the current CT slice as context. Surfaces are rebuilt on a worker thread, debounced while painting;
// only the newest rebuild is shown.
#include <QWidget>
#include <memory>

#include "image/Volume.h"

class QLabel;
class QTimer;

namespace ctsw {

class VtkOpenGLWidget;

class LabelSurfaceView : public QWidget {
    Q_OBJECT
public:
    explicit LabelSurfaceView(QWidget* parent = nullptr);
    ~LabelSurfaceView() override;

    void setImage(std::shared_ptr<const CtVolume> image);
    // Asks for a rebuild from the current labels; calls within the debounce interval coalesce.
    void labelsChanged(std::shared_ptr<const LabelVolume> labels);
    void setContextSlice(int slice, double windowWidth, double windowLevel);
    int surfacesBuilt() const { return built_; }  // for tests: completed rebuilds

Q_SIGNALS:
    void surfacesUpdated(int lungTriangles, int infectionTriangles);

private:
    void rebuild();

    struct Impl;
    std::unique_ptr<Impl> impl_;
    VtkOpenGLWidget* vtk_;
    QLabel* status_;
    QTimer* debounce_;
    std::shared_ptr<const CtVolume> image_;
    std::shared_ptr<const LabelVolume> pending_;
    int generation_ = 0;
    int built_ = 0;
};

}  // namespace ctsw
