#include "LabelSurfaceView.h"

#include <QCoreApplication>
#include <QLabel>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataNormals.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include "VtkOpenGLWidget.h"
#include "image/WindowLevel.h"

namespace ctsw {

struct LabelSurfaceView::Impl {
    vtkSmartPointer<vtkActor> lung = vtkSmartPointer<vtkActor>::New();
    vtkSmartPointer<vtkActor> infection = vtkSmartPointer<vtkActor>::New();
    vtkSmartPointer<vtkImageActor> slice = vtkSmartPointer<vtkImageActor>::New();
    bool cameraSet = false;
};

namespace {

// Surface of one label, in physical units of the display frame (index * spacing + origin).
vtkSmartPointer<vtkPolyData> surfaceOf(const LabelVolume& labels, int label) {
    auto image = vtkSmartPointer<vtkImageData>::New();
    const Geometry& g = labels.geometry();
    image->SetDimensions(g.size[0], g.size[1], g.size[2]);
    image->SetSpacing(g.spacing[0], g.spacing[1], g.spacing[2]);
    image->SetOrigin(0, 0, 0);
    auto scalars = vtkSmartPointer<vtkUnsignedCharArray>::New();
    scalars->SetNumberOfTuples(static_cast<vtkIdType>(labels.voxels().size()));
    // The lung surface encloses infection too (infection lies inside the lung).
    for (std::size_t i = 0; i < labels.voxels().size(); ++i) {
        const std::uint8_t v = labels.voxels()[i];
        scalars->SetValue(static_cast<vtkIdType>(i), label == 1 ? (v >= 1 ? 1 : 0) : (v == label ? 1 : 0));
    }
    image->GetPointData()->SetScalars(scalars);
    auto fe = vtkSmartPointer<vtkDiscreteFlyingEdges3D>::New();
    fe->SetInputData(image);
    fe->SetValue(0, 1);
    fe->ComputeNormalsOff();
    fe->Update();
    if (fe->GetOutput()->GetNumberOfPoints() == 0) return vtkSmartPointer<vtkPolyData>::New();  // no such label yet
    auto smooth = vtkSmartPointer<vtkWindowedSincPolyDataFilter>::New();
    smooth->SetInputConnection(fe->GetOutputPort());
    smooth->SetNumberOfIterations(12);
    smooth->SetPassBand(0.1);
    smooth->NormalizeCoordinatesOn();
    // Normals make the surfaces shade smoothly (lighting without them looks flat and dark).
    auto normals = vtkSmartPointer<vtkPolyDataNormals>::New();
    normals->SetInputConnection(smooth->GetOutputPort());
    normals->SplittingOff();
    normals->ConsistencyOn();
    normals->Update();
    vtkSmartPointer<vtkPolyData> out = normals->GetOutput();
    return out;
}

}  // namespace

LabelSurfaceView::LabelSurfaceView(QWidget* parent) : QWidget(parent), impl_(std::make_unique<Impl>()) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    vtk_ = new VtkOpenGLWidget(this);
    vtk_->setMinimumSize(240, 240);
    layout->addWidget(vtk_, 1);
    status_ = new QLabel(tr("3D view: no mask yet"), this);
    layout->addWidget(status_);
    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(400);  // painting produces many changes; rebuild once it pauses
    connect(debounce_, &QTimer::timeout, this, &LabelSurfaceView::rebuild);

    vtkRenderer* r = vtk_->renderer();
    r->SetBackground(0.08, 0.09, 0.11);
    for (auto& [actor, color, opacity] : {std::tuple{impl_->lung, std::array<double, 3>{0.35, 0.7, 1.0}, 0.3},
                                          std::tuple{impl_->infection, std::array<double, 3>{1.0, 0.31, 0.16}, 1.0}}) {
        auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
        mapper->SetInputData(vtkSmartPointer<vtkPolyData>::New());
        mapper->ScalarVisibilityOff();  // the label values would otherwise be taken as (nearly black) colours
        actor->SetMapper(mapper);
        actor->GetProperty()->SetColor(color[0], color[1], color[2]);
        actor->GetProperty()->SetOpacity(opacity);
        r->AddActor(actor);
    }
    impl_->slice->SetVisibility(false);  // until there is a slice to show
    r->AddActor(impl_->slice);
}

LabelSurfaceView::~LabelSurfaceView() { QThreadPool::globalInstance()->waitForDone(); }

void LabelSurfaceView::setImage(std::shared_ptr<const CtVolume> image) {
    image_ = std::move(image);
    impl_->cameraSet = false;
}

void LabelSurfaceView::labelsChanged(std::shared_ptr<const LabelVolume> labels) {
    pending_ = std::move(labels);
    debounce_->start();
}

void LabelSurfaceView::setContextSlice(int slice, double width, double level) {
    if (!image_ || slice < 0 || slice >= image_->depth()) return;
    const Geometry& g = image_->geometry();
    auto img = vtkSmartPointer<vtkImageData>::New();
    img->SetDimensions(g.size[0], g.size[1], 1);
    img->SetSpacing(g.spacing[0], g.spacing[1], g.spacing[2]);
    img->SetOrigin(0, 0, slice * g.spacing[2]);
    img->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
    windowToBytes(image_->slicePointer(slice), static_cast<std::size_t>(g.size[0]) * g.size[1], WindowLevel{width, level},
                  static_cast<unsigned char*>(img->GetScalarPointer()));
    impl_->slice->GetMapper()->SetInputData(img);
    impl_->slice->SetOpacity(0.85);
    impl_->slice->SetVisibility(true);
    vtk_->update();
}

void LabelSurfaceView::rebuild() {
    if (!pending_) return;
    // A snapshot: painting may go on while the worker runs.
    auto snapshot = std::make_shared<LabelVolume>(*pending_);
    const int generation = ++generation_;
    status_->setText(tr("3D view: rebuilding surfaces..."));
    QPointer<LabelSurfaceView> self(this);
    QThreadPool::globalInstance()->start([self, snapshot, generation] {
        auto lung = surfaceOf(*snapshot, 1);
        auto infection = surfaceOf(*snapshot, 2);
        QMetaObject::invokeMethod(QCoreApplication::instance(), [self, lung, infection, generation] {
            if (!self || generation != self->generation_) return;  // a newer rebuild is on its way
            static_cast<vtkPolyDataMapper*>(self->impl_->lung->GetMapper())->SetInputData(lung);
            static_cast<vtkPolyDataMapper*>(self->impl_->infection->GetMapper())->SetInputData(infection);
            if (!self->impl_->cameraSet && lung->GetNumberOfPoints() > 0) {
                // Anterior view, head up: the patient faces the viewer as in a radiograph.
                vtkRenderer* r = self->vtk_->renderer();
                vtkCamera* cam = r->GetActiveCamera();
                cam->SetFocalPoint(0, 0, 0);
                cam->SetPosition(0, -1, 0);
                cam->SetViewUp(0, 0, 1);
                r->ResetCamera();
                cam->Elevation(20);
                cam->Azimuth(20);
                self->impl_->cameraSet = true;
            }
            ++self->built_;
            const int lt = static_cast<int>(lung->GetNumberOfCells()), it = static_cast<int>(infection->GetNumberOfCells());
            self->status_->setText(tr("3D view: lung %1 triangles, infection %2 triangles (drag to rotate, wheel to zoom)").arg(lt).arg(it));
            self->vtk_->update();
            Q_EMIT self->surfacesUpdated(lt, it);
        }, Qt::QueuedConnection);
    });
}

}  // namespace ctsw
