<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ctsw::LabelSurfaceView</name>
    <message>
        <location filename="../render/LabelSurfaceView.cpp" line="85" />
        <source>3D view: no mask yet</source>
        <translation>三维视图：尚无掩膜</translation>
    </message>
    <message>
        <location filename="../render/LabelSurfaceView.cpp" line="141" />
        <source>3D view: rebuilding surfaces...</source>
        <translation>三维视图：正在重建表面……</translation>
    </message>
    <message>
        <location filename="../render/LabelSurfaceView.cpp" line="164" />
        <source>3D view: lung %1 triangles, infection %2 triangles (drag to rotate, wheel to zoom)</source>
        <translation>三维视图：肺 %1 个三角形，感染 %2 个三角形（拖动旋转，滚轮缩放）</translation>
    </message>
</context>
<context>
    <name>ctsw::MainWindow</name>
    <message>
        <location filename="../ui/MainWindow.cpp" line="50" />
        <source>CT Synthesis Workbench</source>
        <translation>CT 合成工作台</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="55" />
        <source>Series</source>
        <translation>序列</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="66" />
        <source>Mask</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="77" />
        <source>3D</source>
        <translation>三维</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="92" />
        <source>Undo history: %1 KiB</source>
        <translation>撤销历史：%1 KiB</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="116" />
        <source>Loading cancelled</source>
        <translation>已取消加载</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="137" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="138" />
        <source>Open DICOM &amp;folder...</source>
        <translation>打开 DICOM 文件夹(&amp;F)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="139" />
        <source>Open DICOM folder</source>
        <translation>打开 DICOM 文件夹</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="142" />
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="143" />
        <source>&amp;Open file...</source>
        <translation>打开文件(&amp;O)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="144" />
        <source>Open image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="145" />
        <source>CT images (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg *.npy);;All files (*)</source>
        <translation>CT 图像 (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg *.npy);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="149" />
        <source>Open &amp;document...</source>
        <translation>打开文档(&amp;D)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="150" />
        <source>Open workbench document</source>
        <translation>打开工作台文档</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="153" />
        <source>Recent documents</source>
        <translation>最近的文档</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="156" />
        <source>&amp;Save document</source>
        <translation>保存文档(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="158" />
        <source>Save document &amp;as...</source>
        <translation>文档另存为(&amp;A)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="159" />
        <location filename="../ui/MainWindow.cpp" line="253" />
        <source>Folder for the document</source>
        <translation>文档所在文件夹</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="163" />
        <source>&amp;Import mask...</source>
        <translation>导入掩膜(&amp;I)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="164" />
        <source>&amp;Export mask...</source>
        <translation>导出掩膜(&amp;E)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="166" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="169" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="170" />
        <location filename="../ui/MainWindow.cpp" line="177" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="172" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="173" />
        <source>Ctrl+Y</source>
        <translation>Ctrl+Y</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="173" />
        <source>Ctrl+Shift+Z</source>
        <translation>Ctrl+Shift+Z</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="177" />
        <source>&amp;Undo %1</source>
        <translation>撤销 %1(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="184" />
        <source>&amp;Brush</source>
        <translation>画笔(&amp;B)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="185" />
        <source>&amp;Eraser</source>
        <translation>橡皮擦(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="186" />
        <source>&amp;Threshold brush</source>
        <translation>阈值画笔(&amp;T)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="187" />
        <source>&amp;Fill</source>
        <translation>填充(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="188" />
        <source>&amp;Navigate only</source>
        <translation>仅浏览(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="189" />
        <source>Label: lung</source>
        <translation>标签：肺</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="190" />
        <source>Label: infection</source>
        <translation>标签：感染</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="191" />
        <source>Smaller brush</source>
        <translation>缩小画笔</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="192" />
        <source>Larger brush</source>
        <translation>放大画笔</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="194" />
        <source>Automatic &amp;lung mask (this slice)</source>
        <translation>自动肺掩膜（当前层面）(&amp;L)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="195" />
        <source>Automatic lung mask (all slices)</source>
        <translation>自动肺掩膜（所有层面）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="196" />
        <source>Remove small infection islands (this slice)</source>
        <translation>去除小的感染孤岛（当前层面）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="203" />
        <source>remove small islands</source>
        <translation>去除小孤岛</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="205" />
        <source>Use this slice for &amp;training</source>
        <translation>将此层面用于训练(&amp;T)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="208" />
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="210" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="211" />
        <source>Zoom to &amp;fit</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="211" />
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="212" />
        <source>Zoom &amp;1:1</source>
        <translation>原始大小 1:1(&amp;1)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="212" />
        <source>Ctrl+1</source>
        <translation>Ctrl+1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="213" />
        <source>Show/hide &amp;mask</source>
        <translation>显示/隐藏掩膜(&amp;M)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="214" />
        <source>&amp;Outline mask</source>
        <translation>掩膜轮廓(&amp;O)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="219" />
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="220" />
        <source>%1%2 - CT Synthesis Workbench</source>
        <translation>%1%2 - CT 合成工作台</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="246" />
        <source>Cannot open document</source>
        <translation>无法打开文档</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="271" />
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="279" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="299" />
        <source>Autosave failed: %1</source>
        <translation>自动保存失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="326" />
        <source>automatic lung mask (all slices)</source>
        <translation>自动肺掩膜（所有层面）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="328" />
        <source>automatic lung mask</source>
        <translation>自动肺掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="331" />
        <source>Automatic lung mask: %1 voxels changed (threshold %2)</source>
        <translation>自动肺掩膜：更改了 %1 个体素（阈值 %2）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="336" />
        <source>Import mask</source>
        <translation>导入掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="336" />
        <source>Masks (*.nii *.nii.gz *.png *.npy);;All files (*)</source>
        <translation>掩膜 (*.nii *.nii.gz *.png *.npy);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="341" />
        <source>Label mapping</source>
        <translation>标签映射</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="341" />
        <source>How are the mask's values encoded?</source>
        <translation>掩膜的数值是如何编码的？</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="348" />
        <location filename="../ui/MainWindow.cpp" line="353" />
        <location filename="../ui/MainWindow.cpp" line="356" />
        <source>import mask</source>
        <translation>导入掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="359" />
        <source>Cannot import mask</source>
        <translation>无法导入掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="365" />
        <source>Export mask</source>
        <translation>导出掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="366" />
        <source>NIfTI volume (*.nii.gz);;PNG of this slice, values 0/1/2 (*.png)</source>
        <translation>NIfTI 体数据 (*.nii.gz);;当前层面的 PNG，数值 0/1/2 (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="371" />
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="373" />
        <source>Cannot export mask</source>
        <translation>无法导出掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="379" />
        <source>Unsaved mask</source>
        <translation>掩膜未保存</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="379" />
        <source>The mask has unsaved changes. Save them?</source>
        <translation>掩膜有未保存的更改。是否保存？</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="393" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="395" />
        <source> Window: </source>
        <translation> 窗宽窗位： </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="397" />
        <source>Lung (W1500 / L-600)</source>
        <translation>肺窗 (W1500 / L-600)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="398" />
        <source>Mediastinum (W350 / L40)</source>
        <translation>纵隔窗 (W350 / L40)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="399" />
        <source>Bone (W2000 / L500)</source>
        <translation>骨窗 (W2000 / L500)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="400" />
        <source>Custom (right-drag on the image)</source>
        <translation>自定义（在图像上按住右键拖动）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="407" />
        <source> Slice: </source>
        <translation> 层面： </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="428" />
        <source>Loading</source>
        <translation>正在加载</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="435" />
        <source>Opening %1</source>
        <translation>正在打开 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="437" />
        <source>Loading %1 ...</source>
        <translation>正在加载 %1 ……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="465" />
        <source>Cannot open the document's masks</source>
        <translation>无法打开文档的掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="468" />
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="469" />
        <source>A mask for this series was autosaved at %1 but never saved. Recover it?</source>
        <translation>此序列的掩膜已于 %1 自动保存，但从未手动保存。是否恢复？</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="481" />
        <source>Cannot recover</source>
        <translation>无法恢复</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="494" />
        <source>Loaded %1 slices of %2 x %3</source>
        <translation>已加载 %1 个层面，%2 x %3</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="495" />
        <source>; %1 series in this folder, showing the largest</source>
        <translation>；此文件夹中有 %1 个序列，显示最大的一个</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="496" />
        <source>; %n warning(s), see the Series panel</source>
        <translation><numerusform>；%n 条警告，请见“序列”面板</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="504" />
        <source>Could not open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="505" />
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="516" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="517" />
        <source>Modality</source>
        <translation>模态</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="518" />
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="519" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="519" />
        <source>%1 x %2, %3 slices</source>
        <translation>%1 x %2，%3 个层面</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="520" />
        <source>Spacing</source>
        <translation>间距</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="520" />
        <source>%1 x %2 x %3 mm</source>
        <translation>%1 x %2 x %3 毫米</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="521" />
        <source>Origin</source>
        <translation>原点</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="521" />
        <source>(%1, %2, %3) mm LPS</source>
        <translation>(%1, %2, %3) 毫米 LPS</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="522" />
        <source>Values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="522" />
        <source>Hounsfield units</source>
        <translation>亨氏单位 (HU)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="522" />
        <source>display intensities (not HU)</source>
        <translation>显示灰度（非 HU）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="523" />
        <source>Series UID</source>
        <translation>序列 UID</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="526" />
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="531" />
        <source>Other series here</source>
        <translation>此处的其他序列</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="542" />
        <source>%n file(s) skipped (not DICOM images).</source>
        <translation><numerusform>跳过了 %n 个文件（不是 DICOM 图像）。</numerusform></translation>
    </message>
</context>
<context>
    <name>ctsw::MaskToolPanel</name>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="27" />
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="30" />
        <source>Lung (1)</source>
        <translation>肺 (1)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="31" />
        <source>Infection (2)</source>
        <translation>感染 (2)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="40" />
        <source>Tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="52" />
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="52" />
        <source>Paint the label (B)</source>
        <translation>绘制标签 (B)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="53" />
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="53" />
        <source>Erase the label (E)</source>
        <translation>擦除标签 (E)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="54" />
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="54" />
        <source>Paint only where the value is in the range (T)</source>
        <translation>仅在数值处于范围内的位置绘制 (T)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="55" />
        <source>Fill</source>
        <translation>填充</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="55" />
        <source>Fill the connected region under the cursor (G)</source>
        <translation>填充光标下的连通区域 (G)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="63" />
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="64" />
        <source>Brush radius; Shift+wheel or [ and ] change it</source>
        <translation>画笔半径；Shift+滚轮或 [ 和 ] 可调整</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="69" />
        <source>Brush radius</source>
        <translation>画笔半径</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="77" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="79" />
        <source>Threshold range</source>
        <translation>阈值范围</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="80" />
        <source>Infection only inside lung</source>
        <translation>感染仅限于肺内</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="83" />
        <source>Protect other labels</source>
        <translation>保护其他标签</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="84" />
        <source>Overwrite all labels</source>
        <translation>覆盖所有标签</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="85" />
        <source>Painting over labels</source>
        <translation>在已有标签上绘制</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="88" />
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="92" />
        <source>Show mask (M)</source>
        <translation>显示掩膜 (M)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="93" />
        <source>Outline only (O)</source>
        <translation>仅显示轮廓 (O)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="94" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="97" />
        <source>Lung colour...</source>
        <translation>肺的颜色……</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="97" />
        <source>Infection colour...</source>
        <translation>感染的颜色……</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="100" />
        <source>Label colour</source>
        <translation>标签颜色</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="109" />
        <source>Automatic lung mask</source>
        <translation>自动肺掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="111" />
        <source>This slice</source>
        <translation>当前层面</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="112" />
        <source>All slices</source>
        <translation>所有层面</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="115" />
        <source>Threshold at -400 HU, drop the air outside the body, keep the lungs, fill holes (L)</source>
        <translation>以 -400 HU 为阈值，去除体外空气，保留肺，填充空洞 (L)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="121" />
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="122" />
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="161" />
        <source>= %1 mm</source>
        <translation>= %1 毫米</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="172" />
        <source>Undo %1 (Ctrl+Z)</source>
        <translation>撤销 %1 (Ctrl+Z)</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="172" />
        <source>Nothing to undo</source>
        <translation>没有可撤销的操作</translation>
    </message>
    <message>
        <location filename="../ui/MaskToolPanel.cpp" line="173" />
        <source>Undo history: %1 KiB of %2 MiB budget</source>
        <translation>撤销历史：%1 KiB（上限 %2 MiB）</translation>
    </message>
</context>
<context>
    <name>ctsw::SliceView</name>
    <message>
        <location filename="../ui/SliceView.cpp" line="70" />
        <source>lung</source>
        <translation>肺窗</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="71" />
        <source>mediastinum</source>
        <translation>纵隔窗</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="72" />
        <source>bone</source>
        <translation>骨窗</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="73" />
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="82" />
        <source>Open a DICOM folder or a NIfTI volume (File menu, or drop it here)</source>
        <translation>打开 DICOM 文件夹或 NIfTI 体数据（文件菜单，或拖放到此处）</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="119" />
        <source>Slice %1 / %2</source>
        <translation>层面 %1 / %2</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="120" />
        <source>   (training slice: %1)</source>
        <translation>   （训练层面：%1）</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="125" />
        <source>TRAINING SLICE</source>
        <translation>训练层面</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="129" />
        <source>W %1  L %2 (%3)</source>
        <translation>窗宽 %1  窗位 %2 (%3)</translation>
    </message>
    <message>
        <location filename="../ui/SliceView.cpp" line="237" />
        <source>  |  label: %1</source>
        <translation>  |  标签：%1</translation>
    </message>
</context>
<context>
    <name>ctsw::SliceViewModel</name>
    <message>
        <location filename="../ui/SliceViewModel.cpp" line="89" />
        <source>x %1  y %2  slice %3  |  %4 %5  |  (%6, %7, %8) mm</source>
        <translation>x %1  y %2  层面 %3  |  %4 %5  |  (%6, %7, %8) 毫米</translation>
    </message>
    <message>
        <location filename="../ui/SliceViewModel.cpp" line="94" />
        <source>HU</source>
        <translation>HU</translation>
    </message>
    <message>
        <location filename="../ui/SliceViewModel.cpp" line="94" />
        <source>(not HU)</source>
        <translation>（非 HU）</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="58" />
        <source>Learn CoSinGAN from one annotated chest CT slice and synthesize annotated CT.</source>
        <translation>从一张已标注的胸部 CT 层面学习 CoSinGAN，并合成带标注的 CT。</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="61" />
        <source>DICOM folder, NIfTI volume or 2D image to open (default: the bundled sample)</source>
        <translation>要打开的 DICOM 文件夹、NIfTI 体数据或二维图像（默认：内置示例）</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="62" />
        <source>Series id or UID to open</source>
        <translation>要打开的序列 ID 或 UID</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="63" />
        <source>Start without opening the sample</source>
        <translation>启动时不打开示例</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="64" />
        <source>Language of the user interface (en, zh_CN); default: the system's</source>
        <translation>界面语言（en、zh_CN）；默认：系统语言</translation>
    </message>
</context>
</TS>