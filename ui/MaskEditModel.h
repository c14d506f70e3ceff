#pragma once
// The mask being edited and how it is shown: the label volume, the editor (tools, rules, undo), the
// overlay image of the current slice (colours, opacity, visibility, outline). No widgets: tests drive it
// with image coordinates, the slice view with mouse events.
#include <QColor>
#include <QImage>
#include <QObject>
#include <QString>
#include <memory>

#include "image/Labels.h"
#include "image/Volume.h"
#include "mask/LabelEditor.h"

namespace ctsw {

class MaskEditModel : public QObject {
    Q_OBJECT
public:
    enum class Tool { None, Brush, Eraser, ThresholdBrush, Fill };
    Q_ENUM(Tool)

    explicit MaskEditModel(QObject* parent = nullptr);
    ~MaskEditModel() override;

    // A new, empty mask on the grid of `image` (or `labels` when given, e.g. a recovered document).
    void reset(std::shared_ptr<const CtVolume> image, std::shared_ptr<LabelVolume> labels = {});
    bool hasMask() const { return labels_ != nullptr; }
    const LabelVolume* labels() const { return labels_.get(); }
    std::shared_ptr<LabelVolume> labelsShared() const { return labels_; }
    // Replaces the labels of one slice as an undoable step (automatic lung mask, import).
    std::size_t replaceSlice(int slice, const LabelSlice& labels, const QString& description);
    std::size_t replaceVolume(const LabelVolume& labels, const QString& description);

    // --- tools
    Tool tool() const { return tool_; }
    void setTool(Tool t);
    Label activeLabel() const { return label_; }
    void setActiveLabel(Label l);
    double brushRadiusPixels() const { return radius_; }
    void setBrushRadiusPixels(double r);
    mask::PaintRules& rules() { return rules_; }
    const mask::PaintRules& rules() const { return rules_; }
    void setThresholdRange(float low, float high);

    // --- editing in image coordinates of `slice`
    void press(int slice, double x, double y);
    void move(double x, double y);
    void release();
    bool editing() const;

    // --- undo / redo
    bool canUndo() const;
    bool canRedo() const;
    void undo();
    void redo();
    QString undoText() const;
    std::size_t historyBytes() const;
    std::size_t budgetBytes() const;
    void setBudgetBytes(std::size_t bytes);

    // --- display
    QColor color(Label l) const { return l == Label::Infection ? infectionColor_ : lungColor_; }
    void setColor(Label l, const QColor& c);
    double opacity() const { return opacity_; }
    void setOpacity(double o);
    bool visible() const { return visible_; }
    void setVisible(bool v);
    bool outline() const { return outline_; }
    void setOutline(bool o);
    // ARGB overlay of `slice` (transparent where background); cached per slice until the mask changes.
    QImage overlay(int slice) const;
    // Changes since the last save (for the title bar and autosave).
    bool modified() const { return modified_; }
    void setModified(bool m);
    quint64 revision() const { return revision_; }  // grows with every change

Q_SIGNALS:
    void maskChanged(int slice);  // -1: the whole volume
    void toolChanged();
    void historyChanged();
    void displayChanged();
    void modifiedChanged(bool modified);

private:
    void changed(int slice);

    std::shared_ptr<const CtVolume> image_;
    std::shared_ptr<LabelVolume> labels_;
    std::unique_ptr<mask::LabelEditor> editor_;
    Tool tool_ = Tool::Brush;
    Label label_ = Label::Lung;
    double radius_ = 8.0;
    mask::PaintRules rules_;
    std::pair<float, float> threshold_{-1000.0f, -400.0f};
    QColor lungColor_{64, 160, 255};
    QColor infectionColor_{255, 80, 40};
    double opacity_ = 0.45;
    bool visible_ = true;
    bool outline_ = false;
    bool modified_ = false;
    quint64 revision_ = 0;
    std::size_t budget_ = 64u << 20;  // undo memory budget, kept across masks
    mutable int cachedSlice_ = -1;
    mutable quint64 cachedRevision_ = ~0ull;
    mutable QImage cachedOverlay_;
};

}  // namespace ctsw
