#!/usr/bin/python3
"""Fills translations/ct-synthesis-workbench_zh_CN.ts from the glossary below (run after lupdate).
Every user-visible string must be here: the script exits with an error listing the missing ones."""
import sys
import xml.etree.ElementTree as ET

ZH = {
    "3D view: no mask yet": "三维视图：尚无掩膜",
    "3D view: rebuilding surfaces...": "三维视图：正在重建表面……",
    "3D view: lung %1 triangles, infection %2 triangles (drag to rotate, wheel to zoom)": "三维视图：肺 %1 个三角形，感染 %2 个三角形（拖动旋转，滚轮缩放）",
    "CT Synthesis Workbench": "CT 合成工作台",
    "Series": "序列",
    "Mask": "掩膜",
    "3D": "三维",
    "Undo history: %1 KiB": "撤销历史：%1 KiB",
    "Loading cancelled": "已取消加载",
    "&File": "文件(&F)",
    "Open DICOM &folder...": "打开 DICOM 文件夹(&F)……",
    "Open DICOM folder": "打开 DICOM 文件夹",
    "&Open file...": "打开文件(&O)……",
    "Open image": "打开图像",
    "CT images (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg *.npy);;All files (*)": "CT 图像 (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg *.npy);;所有文件 (*)",
    "Open &document...": "打开文档(&D)……",
    "Open workbench document": "打开工作台文档",
    "Recent documents": "最近的文档",
    "&Save document": "保存文档(&S)",
    "Save document &as...": "文档另存为(&A)……",
    "Folder for the document": "文档所在文件夹",
    "&Import mask...": "导入掩膜(&I)……",
    "&Export mask...": "导出掩膜(&E)……",
    "&Quit": "退出(&Q)",
    "&Edit": "编辑(&E)",
    "&Undo": "撤销(&U)",
    "&Redo": "重做(&R)",
    "&Undo %1": "撤销 %1(&U)",
    "&Brush": "画笔(&B)",
    "&Eraser": "橡皮擦(&E)",
    "&Threshold brush": "阈值画笔(&T)",
    "&Fill": "填充(&F)",
    "&Navigate only": "仅浏览(&N)",
    "Label: lung": "标签：肺",
    "Label: infection": "标签：感染",
    "Smaller brush": "缩小画笔",
    "Larger brush": "放大画笔",
    "Automatic &lung mask (this slice)": "自动肺掩膜（当前层面）(&L)",
    "Automatic lung mask (all slices)": "自动肺掩膜（所有层面）",
    "Remove small infection islands (this slice)": "去除小的感染孤岛（当前层面）",
    "remove small islands": "去除小孤岛",
    "Use this slice for &training": "将此层面用于训练(&T)",
    "&View": "视图(&V)",
    "Zoom to &fit": "适应窗口(&F)",
    "Zoom &1:1": "原始大小 1:1(&1)",
    "Show/hide &mask": "显示/隐藏掩膜(&M)",
    "&Outline mask": "掩膜轮廓(&O)",
    "untitled": "未命名",
    "%1%2 - CT Synthesis Workbench": "%1%2 - CT 合成工作台",
    "Cannot open document": "无法打开文档",
    "Cannot save": "无法保存",
    "Saved %1": "已保存 %1",
    "Autosave failed: %1": "自动保存失败：%1",
    "automatic lung mask (all slices)": "自动肺掩膜（所有层面）",
    "automatic lung mask": "自动肺掩膜",
    "Automatic lung mask: %1 voxels changed (threshold %2)": "自动肺掩膜：更改了 %1 个体素（阈值 %2）",
    "Import mask": "导入掩膜",
    "Masks (*.nii *.nii.gz *.png *.npy);;All files (*)": "掩膜 (*.nii *.nii.gz *.png *.npy);;所有文件 (*)",
    "Label mapping": "标签映射",
    "How are the mask's values encoded?": "掩膜的数值是如何编码的？",
    "import mask": "导入掩膜",
    "Cannot import mask": "无法导入掩膜",
    "Export mask": "导出掩膜",
    "NIfTI volume (*.nii.gz);;PNG of this slice, values 0/1/2 (*.png)": "NIfTI 体数据 (*.nii.gz);;当前层面的 PNG，数值 0/1/2 (*.png)",
    "Exported %1": "已导出 %1",
    "Cannot export mask": "无法导出掩膜",
    "Unsaved mask": "掩膜未保存",
    "The mask has unsaved changes. Save them?": "掩膜有未保存的更改。是否保存？",
    "View": "视图",
    " Window: ": " 窗宽窗位： ",
    "Lung (W1500 / L-600)": "肺窗 (W1500 / L-600)",
    "Mediastinum (W350 / L40)": "纵隔窗 (W350 / L40)",
    "Bone (W2000 / L500)": "骨窗 (W2000 / L500)",
    "Custom (right-drag on the image)": "自定义（在图像上按住右键拖动）",
    " Slice: ": " 层面： ",
    "Loading": "正在加载",
    "Opening %1": "正在打开 %1",
    "Loading %1 ...": "正在加载 %1 ……",
    "Cannot open the document's masks": "无法打开文档的掩膜",
    "Recover unsaved work": "恢复未保存的工作",
    "A mask for this series was autosaved at %1 but never saved. Recover it?": "此序列的掩膜已于 %1 自动保存，但从未手动保存。是否恢复？",
    "Cannot recover": "无法恢复",
    "Loaded %1 slices of %2 x %3": "已加载 %1 个层面，%2 x %3",
    "; %1 series in this folder, showing the largest": "；此文件夹中有 %1 个序列，显示最大的一个",
    "; %n warning(s), see the Series panel": "；%n 条警告，请见“序列”面板",
    "Could not open %1": "无法打开 %1",
    "Cannot open": "无法打开",
    "Source": "来源",
    "Modality": "模态",
    "Format": "格式",
    "Size": "尺寸",
    "%1 x %2, %3 slices": "%1 x %2，%3 个层面",
    "Spacing": "间距",
    "%1 x %2 x %3 mm": "%1 x %2 x %3 毫米",
    "Origin": "原点",
    "(%1, %2, %3) mm LPS": "(%1, %2, %3) 毫米 LPS",
    "Values": "数值",
    "Hounsfield units": "亨氏单位 (HU)",
    "display intensities (not HU)": "显示灰度（非 HU）",
    "Series UID": "序列 UID",
    "Warnings": "警告",
    "Other series here": "此处的其他序列",
    "%n file(s) skipped (not DICOM images).": "跳过了 %n 个文件（不是 DICOM 图像）。",
    "Label": "标签",
    "Lung (1)": "肺 (1)",
    "Infection (2)": "感染 (2)",
    "Tool": "工具",
    "Brush": "画笔",
    "Paint the label (B)": "绘制标签 (B)",
    "Eraser": "橡皮擦",
    "Erase the label (E)": "擦除标签 (E)",
    "Threshold": "阈值",
    "Paint only where the value is in the range (T)": "仅在数值处于范围内的位置绘制 (T)",
    "Fill": "填充",
    "Fill the connected region under the cursor (G)": "填充光标下的连通区域 (G)",
    " px": " 像素",
    "Brush radius; Shift+wheel or [ and ] change it": "画笔半径；Shift+滚轮或 [ 和 ] 可调整",
    "Brush radius": "画笔半径",
    "to": "至",
    "Threshold range": "阈值范围",
    "Infection only inside lung": "感染仅限于肺内",
    "Protect other labels": "保护其他标签",
    "Overwrite all labels": "覆盖所有标签",
    "Painting over labels": "在已有标签上绘制",
    "Display": "显示",
    "Show mask (M)": "显示掩膜 (M)",
    "Outline only (O)": "仅显示轮廓 (O)",
    "Opacity": "不透明度",
    "Lung colour...": "肺的颜色……",
    "Infection colour...": "感染的颜色……",
    "Label colour": "标签颜色",
    "Automatic lung mask": "自动肺掩膜",
    "This slice": "当前层面",
    "All slices": "所有层面",
    "Threshold at -400 HU, drop the air outside the body, keep the lungs, fill holes (L)": "以 -400 HU 为阈值，去除体外空气，保留肺，填充空洞 (L)",
    "Undo": "撤销",
    "Redo": "重做",
    "= %1 mm": "= %1 毫米",
    "Undo %1 (Ctrl+Z)": "撤销 %1 (Ctrl+Z)",
    "Nothing to undo": "没有可撤销的操作",
    "Undo history: %1 KiB of %2 MiB budget": "撤销历史：%1 KiB（上限 %2 MiB）",
    "Open a DICOM folder or a NIfTI volume (File menu, or drop it here)": "打开 DICOM 文件夹或 NIfTI 体数据（文件菜单，或拖放到此处）",
    "Slice %1 / %2": "层面 %1 / %2",
    "   (training slice: %1)": "   （训练层面：%1）",
    "TRAINING SLICE": "训练层面",
    "W %1  L %2 (%3)": "窗宽 %1  窗位 %2 (%3)",
    "  |  label: %1": "  |  标签：%1",
    "x %1  y %2  slice %3  |  %4 %5  |  (%6, %7, %8) mm": "x %1  y %2  层面 %3  |  %4 %5  |  (%6, %7, %8) 毫米",
    "HU": "HU",
    "lung": "肺窗",
    "mediastinum": "纵隔窗",
    "bone": "骨窗",
    "custom": "自定义",
    "(not HU)": "（非 HU）",
    "Learn CoSinGAN from one annotated chest CT slice and synthesize annotated CT.": "从一张已标注的胸部 CT 层面学习 CoSinGAN，并合成带标注的 CT。",
    "DICOM folder, NIfTI volume or 2D image to open (default: the bundled sample)": "要打开的 DICOM 文件夹、NIfTI 体数据或二维图像（默认：内置示例）",
    "Series id or UID to open": "要打开的序列 ID 或 UID",
    "Start without opening the sample": "启动时不打开示例",
    "Language of the user interface (en, zh_CN); default: the system's": "界面语言（en、zh_CN）；默认：系统语言",
}
# Key sequences stay as they are in every language.
KEYS = {"Ctrl+Shift+O", "Ctrl+Y", "Ctrl+Shift+Z", "Ctrl+T", "Ctrl+0", "Ctrl+1"}


def main(path):
    tree = ET.parse(path)
    missing = []
    for message in tree.iter("message"):
        source = message.find("source").text or ""
        translation = message.find("translation")
        numerus = message.get("numerus") == "yes"
        if source in KEYS:
            text = source
        elif source in ZH:
            text = ZH[source]
        else:
            missing.append(source)
            continue
        translation.attrib.pop("type", None)
        if numerus:
            for child in list(translation):
                translation.remove(child)
            form = ET.SubElement(translation, "numerusform")
            form.text = text
            translation.text = None
        else:
            translation.text = text
    if missing:
        sys.exit("untranslated strings:\n  " + "\n  ".join(missing))
    tree.write(path, encoding="utf-8", xml_declaration=True)


if __name__ == "__main__":
    main(sys.argv[1])
