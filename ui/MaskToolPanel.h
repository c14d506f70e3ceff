#pragma once
// The mask editing tools beside the slice view: label, tool, brush size (pixels and mm), threshold
// range, rules, display options, automatic lung mask, undo/redo with the memory they hold.
#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace ctsw {

class MaskEditModel;
class SliceViewModel;

class MaskToolPanel : public QWidget {
    Q_OBJECT
public:
    MaskToolPanel(MaskEditModel* mask, SliceViewModel* view, QWidget* parent = nullptr);

Q_SIGNALS:
    void lungMaskRequested(bool wholeVolume);

private:
    void syncFromModel();
    void updateHistory();

    MaskEditModel* mask_;
    SliceViewModel* view_;
    QButtonGroup* labelGroup_;
    QButtonGroup* toolGroup_;
    QDoubleSpinBox* radius_;
    QLabel* radiusMm_;
    QSpinBox* thresholdLow_;
    QSpinBox* thresholdHigh_;
    QCheckBox* insideLung_;
    QComboBox* overwrite_;
    QSlider* opacity_;
    QCheckBox* visible_;
    QCheckBox* outline_;
    QPushButton* undo_;
    QPushButton* redo_;
    QLabel* history_;
};

}  // namespace ctsw
