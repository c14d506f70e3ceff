#include "MaskToolPanel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "MaskEditModel.h"
#include "SliceViewModel.h"

namespace ctsw {

MaskToolPanel::MaskToolPanel(MaskEditModel* mask, SliceViewModel* view, QWidget* parent) : QWidget(parent), mask_(mask), view_(view) {
    auto* layout = new QVBoxLayout(this);

    auto* labelBox = new QGroupBox(tr("Label"), this);
    auto* labelLayout = new QHBoxLayout(labelBox);
    labelGroup_ = new QButtonGroup(this);
    auto* lung = new QRadioButton(tr("Lung (1)"), labelBox);
    auto* infection = new QRadioButton(tr("Infection (2)"), labelBox);
    lung->setObjectName(QStringLiteral("labelLung"));
    infection->setObjectName(QStringLiteral("labelInfection"));
    labelGroup_->addButton(lung, static_cast<int>(Label::Lung));
    labelGroup_->addButton(infection, static_cast<int>(Label::Infection));
    labelLayout->addWidget(lung);
    labelLayout->addWidget(infection);
    layout->addWidget(labelBox);

    auto* toolBox = new QGroupBox(tr("Tool"), this);
    auto* toolLayout = new QHBoxLayout(toolBox);
    toolGroup_ = new QButtonGroup(this);
    auto addTool = [&](MaskEditModel::Tool t, const QString& text, const QString& tip, const QString& name) {
        auto* b = new QToolButton(toolBox);
        b->setText(text);
        b->setToolTip(tip);
        b->setCheckable(true);
        b->setObjectName(name);
        toolGroup_->addButton(b, static_cast<int>(t));
        toolLayout->addWidget(b);
    };
    addTool(MaskEditModel::Tool::Brush, tr("Brush"), tr("Paint the label (B)"), QStringLiteral("toolBrush"));
    addTool(MaskEditModel::Tool::Eraser, tr("Eraser"), tr("Erase the label (E)"), QStringLiteral("toolEraser"));
    addTool(MaskEditModel::Tool::ThresholdBrush, tr("Threshold"), tr("Paint only where the value is in the range (T)"), QStringLiteral("toolThreshold"));
    addTool(MaskEditModel::Tool::Fill, tr("Fill"), tr("Fill the connected region under the cursor (G)"), QStringLiteral("toolFill"));
    layout->addWidget(toolBox);

    auto* form = new QFormLayout;
    radius_ = new QDoubleSpinBox(this);
    radius_->setRange(0.5, 200.0);
    radius_->setSingleStep(1.0);
    radius_->setDecimals(1);
    radius_->setSuffix(tr(" px"));
    radius_->setToolTip(tr("Brush radius; Shift+wheel or [ and ] change it"));
    radiusMm_ = new QLabel(this);
    auto* radiusRow = new QHBoxLayout;
    radiusRow->addWidget(radius_);
    radiusRow->addWidget(radiusMm_);
    form->addRow(tr("Brush radius"), radiusRow);
    thresholdLow_ = new QSpinBox(this);
    thresholdHigh_ = new QSpinBox(this);
    for (QSpinBox* b : {thresholdLow_, thresholdHigh_}) b->setRange(-3000, 5000);
    thresholdLow_->setValue(-1000);
    thresholdHigh_->setValue(-400);
    auto* rangeRow = new QHBoxLayout;
    rangeRow->addWidget(thresholdLow_);
    rangeRow->addWidget(new QLabel(tr("to"), this));
    rangeRow->addWidget(thresholdHigh_);
    form->addRow(tr("Threshold range"), rangeRow);
    insideLung_ = new QCheckBox(tr("Infection only inside lung"), this);
    form->addRow(insideLung_);
    overwrite_ = new QComboBox(this);
    overwrite_->addItem(tr("Protect other labels"));
    overwrite_->addItem(tr("Overwrite all labels"));
    form->addRow(tr("Painting over labels"), overwrite_);
    layout->addLayout(form);

    auto* displayBox = new QGroupBox(tr("Display"), this);
    auto* displayForm = new QFormLayout(displayBox);
    opacity_ = new QSlider(Qt::Horizontal, displayBox);
    opacity_->setRange(0, 100);
    visible_ = new QCheckBox(tr("Show mask (M)"), displayBox);
    outline_ = new QCheckBox(tr("Outline only (O)"), displayBox);
    displayForm->addRow(tr("Opacity"), opacity_);
    auto* colors = new QHBoxLayout;
    for (Label l : {Label::Lung, Label::Infection}) {
        auto* b = new QPushButton(l == Label::Lung ? tr("Lung colour...") : tr("Infection colour..."), displayBox);
        colors->addWidget(b);
        connect(b, &QPushButton::clicked, this, [this, l] {
            const QColor c = QColorDialog::getColor(mask_->color(l), this, tr("Label colour"));
            if (c.isValid()) mask_->setColor(l, c);
        });
    }
    displayForm->addRow(colors);
    displayForm->addRow(visible_);
    displayForm->addRow(outline_);
    layout->addWidget(displayBox);

    auto* autoBox = new QGroupBox(tr("Automatic lung mask"), this);
    auto* autoLayout = new QHBoxLayout(autoBox);
    auto* autoSlice = new QPushButton(tr("This slice"), autoBox);
    auto* autoVolume = new QPushButton(tr("All slices"), autoBox);
    autoSlice->setObjectName(QStringLiteral("autoLungSlice"));
    autoVolume->setObjectName(QStringLiteral("autoLungVolume"));
    autoSlice->setToolTip(tr("Threshold at -400 HU, drop the air outside the body, keep the lungs, fill holes (L)"));
    autoLayout->addWidget(autoSlice);
    autoLayout->addWidget(autoVolume);
    layout->addWidget(autoBox);

    auto* historyRow = new QHBoxLayout;
    undo_ = new QPushButton(tr("Undo"), this);
    redo_ = new QPushButton(tr("Redo"), this);
    historyRow->addWidget(undo_);
    historyRow->addWidget(redo_);
    layout->addLayout(historyRow);
    history_ = new QLabel(this);
    history_->setWordWrap(true);
    layout->addWidget(history_);
    layout->addStretch(1);

    connect(labelGroup_, &QButtonGroup::idClicked, this, [this](int id) { mask_->setActiveLabel(static_cast<Label>(id)); });
    connect(toolGroup_, &QButtonGroup::idClicked, this, [this](int id) { mask_->setTool(static_cast<MaskEditModel::Tool>(id)); });
    connect(radius_, qOverload<double>(&QDoubleSpinBox::valueChanged), mask_, &MaskEditModel::setBrushRadiusPixels);
    auto applyRange = [this] { mask_->setThresholdRange(static_cast<float>(thresholdLow_->value()), static_cast<float>(thresholdHigh_->value())); };
    connect(thresholdLow_, qOverload<int>(&QSpinBox::valueChanged), this, applyRange);
    connect(thresholdHigh_, qOverload<int>(&QSpinBox::valueChanged), this, applyRange);
    connect(insideLung_, &QCheckBox::toggled, this, [this](bool on) { mask_->rules().infectionOnlyInsideLung = on; });
    connect(overwrite_, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int i) { mask_->rules().overwrite = i == 0 ? mask::Overwrite::ProtectOtherLabels : mask::Overwrite::OverwriteAll; });
    connect(opacity_, &QSlider::valueChanged, this, [this](int v) { mask_->setOpacity(v / 100.0); });
    connect(visible_, &QCheckBox::toggled, mask_, &MaskEditModel::setVisible);
    connect(outline_, &QCheckBox::toggled, mask_, &MaskEditModel::setOutline);
    connect(autoSlice, &QPushButton::clicked, this, [this] { Q_EMIT lungMaskRequested(false); });
    connect(autoVolume, &QPushButton::clicked, this, [this] { Q_EMIT lungMaskRequested(true); });
    connect(undo_, &QPushButton::clicked, mask_, &MaskEditModel::undo);
    connect(redo_, &QPushButton::clicked, mask_, &MaskEditModel::redo);
    connect(mask_, &MaskEditModel::toolChanged, this, &MaskToolPanel::syncFromModel);
    connect(mask_, &MaskEditModel::displayChanged, this, &MaskToolPanel::syncFromModel);
    connect(mask_, &MaskEditModel::historyChanged, this, &MaskToolPanel::updateHistory);
    connect(view_, &SliceViewModel::volumeChanged, this, &MaskToolPanel::syncFromModel);
    syncFromModel();
    updateHistory();
}

void MaskToolPanel::syncFromModel() {
    const QSignalBlocker b1(radius_), b2(opacity_), b3(visible_), b4(outline_), b5(insideLung_), b6(overwrite_);
    if (auto* b = labelGroup_->button(static_cast<int>(mask_->activeLabel()))) b->setChecked(true);
    if (auto* b = toolGroup_->button(static_cast<int>(mask_->tool()))) b->setChecked(true);
    radius_->setValue(mask_->brushRadiusPixels());
    const double mm = mask_->brushRadiusPixels() * view_->pixelSpacing().x();
    radiusMm_->setText(tr("= %1 mm").arg(mm, 0, 'f', 1));
    opacity_->setValue(static_cast<int>(mask_->opacity() * 100 + 0.5));
    visible_->setChecked(mask_->visible());
    outline_->setChecked(mask_->outline());
    insideLung_->setChecked(mask_->rules().infectionOnlyInsideLung);
    overwrite_->setCurrentIndex(mask_->rules().overwrite == mask::Overwrite::ProtectOtherLabels ? 0 : 1);
}

void MaskToolPanel::updateHistory() {
    undo_->setEnabled(mask_->canUndo());
    redo_->setEnabled(mask_->canRedo());
    undo_->setToolTip(mask_->canUndo() ? tr("Undo %1 (Ctrl+Z)").arg(mask_->undoText()) : tr("Nothing to undo"));
    history_->setText(tr("Undo history: %1 KiB of %2 MiB budget").arg(mask_->historyBytes() / 1024.0, 0, 'f', 1).arg(mask_->budgetBytes() / (1024.0 * 1024.0), 0, 'f', 0));
}

}  // namespace ctsw
