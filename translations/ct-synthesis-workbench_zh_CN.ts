<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="78" />
        <source>Browse...</source>
        <translation>浏览……</translation>
    </message>
</context>
<context>
    <name>ctsw::DatasetPanel</name>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="106" />
        <source>Model and masks</source>
        <translation>模型与掩膜</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="109" />
        <source>model folder (cosingan train)</source>
        <translation>模型文件夹（cosingan train）</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="110" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="110" />
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="112" />
        <source>Fuse with</source>
        <translation>融合</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="112" />
        <source>Second model folder</source>
        <translation>第二个模型文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="114" />
        <source>This slice's mask</source>
        <translation>本切片的掩膜</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="114" />
        <source>Every slice with a mask</source>
        <translation>所有带掩膜的切片</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="114" />
        <source>A folder of masks (0/1/2)</source>
        <translation>掩膜文件夹（0/1/2）</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="114" />
        <source>Generate lesions on this series</source>
        <translation>在本序列上生成病灶</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="117" />
        <source>Masks</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="119" />
        <source>The training slice (or the current one) as painted.</source>
        <translation>训练切片（或当前切片）的已绘制掩膜。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="120" />
        <source>Every slice of the document that has lung or infection.</source>
        <translation>文档中所有含肺或感染的切片。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="121" />
        <source>folder of PNG / NPY / NIfTI masks</source>
        <translation>PNG / NPY / NIfTI 掩膜文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="122" />
        <source>Folder of masks</source>
        <translation>掩膜文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="128" />
        <source>Lesions like</source>
        <translation>病灶参照</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="128" />
        <source>Annotated masks (or a MedSeg folder)</source>
        <translation>标注掩膜（或 MedSeg 文件夹）</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="136" />
        <source> per slice</source>
        <translation> 每切片</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="138" />
        <location filename="../ui/DatasetPanel.cpp" line="158" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="141" />
        <source>Slices</source>
        <translation>切片</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="160" />
        <source>Burden</source>
        <translation>感染负荷</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="162" />
        <source>favour peripheral and posterior lung (as COVID-19 does)</source>
        <translation>偏向肺外周与后部（符合 COVID-19 特点）</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="169" />
        <source>Samples and output</source>
        <translation>样本与输出</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="184" />
        <source>Samples per mask</source>
        <translation>每个掩膜的样本数</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="182" />
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="111" />
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="127" />
        <source>annotated masks or a MedSeg folder</source>
        <translation>标注掩膜或 MedSeg 文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="144" />
        <source>from the masks</source>
        <translation>取自掩膜</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="145" />
        <source>The 10th to 90th percentile of the annotated masks' infected lung fraction</source>
        <translation>标注掩膜感染肺比例的第 10 至第 90 百分位</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="161" />
        <source>peripheral</source>
        <translation>外周</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="187" />
        <source>randomized condition</source>
        <translation>随机化条件</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="189" />
        <source>test-time dropout</source>
        <translation>测试时 dropout</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="194" />
        <source>random alpha</source>
        <translation>随机 alpha</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="195" />
        <source>Fusion weight of the first model (with a second model)</source>
        <translation>第一个模型的融合权重（有第二个模型时）</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="199" />
        <source>Diversity</source>
        <translation>多样性</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="203" />
        <source>Product folders (PNG + NIfTI, manifests)</source>
        <translation>产品文件夹（PNG + NIfTI，清单）</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="204" />
        <source>nnU-Net v2 raw dataset</source>
        <translation>nnU-Net v2 原始数据集</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="205" />
        <source>MONAI datalist</source>
        <translation>MONAI 数据列表</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="217" />
        <source>nnU-Net dataset id and name</source>
        <translation>nnU-Net 数据集编号和名称</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="218" />
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="213" />
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="227" />
        <source>Judge</source>
        <translation>评判模型</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="220" />
        <source>Judge segmentation model</source>
        <translation>评判分割模型</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="219" />
        <source>optional: seg-train model</source>
        <translation>可选：seg-train 模型</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="224" />
        <source>keep all, flagged</source>
        <translation>全部保留并标记</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="225" />
        <source>Leave out samples whose judge DSC is below this</source>
        <translation>剔除评判 DSC 低于此值的样本</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="228" />
        <source>new folder for the dataset</source>
        <translation>数据集的新文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="229" />
        <source>Write to</source>
        <translation>写入到</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="229" />
        <source>Folder for the dataset</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="232" />
        <location filename="../ui/DatasetPanel.cpp" line="291" />
        <source>Write dataset</source>
        <translation>写出数据集</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="233" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="234" />
        <source>Write cluster run...</source>
        <translation>写出集群任务……</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="235" />
        <source>Writes this request as a cosingan batch plan with SLURM scripts; nothing is submitted</source>
        <translation>将此请求写为带 SLURM 脚本的 cosingan batch 计划；不提交任何作业</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="245" />
        <source>Choose a model and masks.</source>
        <translation>请选择模型和掩膜。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="252" />
        <source>Written</source>
        <translation>已写出</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="276" />
        <source>estimating...</source>
        <translation>估算中……</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="277" />
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="278" />
        <source>%1 - %2 % after %3 s, %4</source>
        <translation>%1 - %3 秒后 %2 %，%4</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="291" />
        <source>%1 exists. Replace it?</source>
        <translation>%1 已存在。是否替换？</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="302" />
        <source>New folder for the cluster run</source>
        <translation>集群任务的新文件夹</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="306" />
        <source>Cluster run written to %1 (nothing submitted). On the cluster: cosingan batch resubmit %1, then cosingan batch merge %1. The scripts call this machine's cosingan; edit them where the cluster's lives elsewhere.</source>
        <translation>集群任务已写入 %1（未提交）。在集群上：cosingan batch resubmit %1，然后 cosingan batch merge %1。脚本调用本机的 cosingan；若集群上的位置不同，请修改脚本。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="309" />
        <source>Cannot write the cluster run: %1</source>
        <translation>无法写出集群任务：%1</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="380" />
        <source>Choose a trained model (Browse... beside Model).</source>
        <translation>请选择已训练的模型（模型旁的“浏览……”）。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="381" />
        <source>Choose a folder for the dataset (Write to).</source>
        <translation>请选择数据集文件夹（写入到）。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="394" />
        <source>Open a CT series and paint or load a mask first.</source>
        <translation>请先打开 CT 序列并绘制或加载掩膜。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="396" />
        <source>No slice has a mask to synthesize from.</source>
        <translation>没有可用于合成的带掩膜层面。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="405" />
        <source>Open the CT series to place lesions on first.</source>
        <translation>请先打开要放置病灶的 CT 序列。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="406" />
        <source>Choose annotated masks to take the lesions from (Lesions like).</source>
        <translation>请选择提供病灶的标注掩膜（病灶参照）。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="407" />
        <source>The first slice comes after the last one.</source>
        <translation>起始切片在结束切片之后。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="417" />
        <source>The lowest burden is above the highest.</source>
        <translation>最低负荷高于最高负荷。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="438" />
        <source>A dataset is being written.</source>
        <translation>正在写出数据集。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="444" />
        <source>%1 exists: choose another folder, or confirm replacing it.</source>
        <translation>%1 已存在：请选择其他文件夹，或确认替换。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="456" />
        <source>Loading the model...</source>
        <translation>正在加载模型……</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="483" />
        <source>Cancelling: nothing partial is kept...</source>
        <translation>正在取消：不保留任何不完整的结果……</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="496" />
        <source>Cancelled; no dataset was left behind.</source>
        <translation>已取消；未留下数据集。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="496" />
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="504" />
        <source>Wrote %1 samples to %2 in %3 s.</source>
        <translation>已在 %3 秒内向 %2 写出 %1 个样本。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="506" />
        <source> Lesion masks: %1 on %2 slices (%3 slices skipped) in %4.</source>
        <translation> 病灶掩膜：%2 个切片上共 %1 个（跳过 %3 个切片），位于 %4。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="511" />
        <source> The judge left out %1 suspect samples (named in manifest.json).</source>
        <translation> 评判模型剔除了 %1 个可疑样本（列于 manifest.json）。</translation>
    </message>
    <message>
        <location filename="../ui/DatasetPanel.cpp" line="512" />
        <source> %1 masks had no source slice: their body outline was estimated from the lungs.</source>
        <translation> %1 个掩膜没有源切片：其体轮廓由肺估计。</translation>
    </message>
</context>
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
        <location filename="../ui/MainWindow.cpp" line="78" />
        <source>CT Synthesis Workbench</source>
        <translation>CT 合成工作台</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="83" />
        <source>Series</source>
        <translation>序列</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="94" />
        <source>Mask</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="105" />
        <source>3D</source>
        <translation>三维</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="120" />
        <source>Undo history: %1 KiB</source>
        <translation>撤销历史：%1 KiB</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="124" />
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="133" />
        <source>Cannot start training</source>
        <translation>无法开始训练</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="153" />
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="161" />
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="185" />
        <source>Cannot keep the sample</source>
        <translation>无法保留该样本</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="213" />
        <source>Loading cancelled</source>
        <translation>已取消加载</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="241" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="242" />
        <source>Open DICOM &amp;folder...</source>
        <translation>打开 DICOM 文件夹(&amp;F)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="243" />
        <source>Open DICOM folder</source>
        <translation>打开 DICOM 文件夹</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="246" />
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="247" />
        <source>&amp;Open file...</source>
        <translation>打开文件(&amp;O)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="248" />
        <source>Open image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="249" />
        <source>CT images (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg *.npy);;All files (*)</source>
        <translation>CT 图像 (*.nii *.nii.gz *.dcm *.png *.jpg *.jpeg *.npy);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="253" />
        <source>Open &amp;document...</source>
        <translation>打开文档(&amp;D)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="254" />
        <source>Open workbench document</source>
        <translation>打开工作台文档</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="257" />
        <source>Recent documents</source>
        <translation>最近的文档</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="260" />
        <source>&amp;Save document</source>
        <translation>保存文档(&amp;S)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="262" />
        <source>Save document &amp;as...</source>
        <translation>文档另存为(&amp;A)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="263" />
        <location filename="../ui/MainWindow.cpp" line="452" />
        <source>Folder for the document</source>
        <translation>文档所在文件夹</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="267" />
        <source>Load &amp;model for preview...</source>
        <translation>加载用于预览的模型(&amp;M)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="268" />
        <source>Trained model folder</source>
        <translation>已训练模型的文件夹</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="271" />
        <location filename="../ui/MainWindow.cpp" line="855" />
        <source>Cannot load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="274" />
        <source>Export &amp;dataset...</source>
        <translation>导出数据集(&amp;D)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="276" />
        <location filename="../ui/MainWindow.cpp" line="281" />
        <location filename="../ui/MainWindow.cpp" line="283" />
        <location filename="../ui/MainWindow.cpp" line="289" />
        <location filename="../ui/MainWindow.cpp" line="297" />
        <location filename="../ui/MainWindow.cpp" line="304" />
        <location filename="../ui/MainWindow.cpp" line="306" />
        <location filename="../ui/MainWindow.cpp" line="318" />
        <location filename="../ui/MainWindow.cpp" line="323" />
        <location filename="../ui/MainWindow.cpp" line="340" />
        <location filename="../ui/MainWindow.cpp" line="348" />
        <source>Export dataset</source>
        <translation>导出数据集</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="276" />
        <source>Train or load a model first.</source>
        <translation>请先训练或加载一个模型。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="279" />
        <source>The training slice's mask</source>
        <translation>训练层面的掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="279" />
        <source>Every slice that has a mask</source>
        <translation>所有带掩膜的层面</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="279" />
        <source>A folder of mask files (0/1/2)...</source>
        <translation>一个掩膜文件夹（0/1/2）……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="281" />
        <source>Synthesize from</source>
        <translation>合成依据</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="283" />
        <source>Samples per mask</source>
        <translation>每个掩膜的样本数</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="290" />
        <source>Judge %1 flags every sample.
Leave out samples whose judge DSC is below (0 keeps them all, flagged):</source>
        <translation>评判模型 %1 会标记每个样本。
剔除评判 DSC 低于此值的样本（0 表示全部保留并标记）：</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="295" />
        <source>Product folders: PNG and NIfTI pairs with manifests</source>
        <translation>产品文件夹：PNG 与 NIfTI 图像/掩膜对及清单</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="295" />
        <source>nnU-Net v2 raw dataset (imagesTr, labelsTr, dataset.json)</source>
        <translation>nnU-Net v2 原始数据集（imagesTr、labelsTr、dataset.json）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="296" />
        <source>MONAI: NIfTI pairs with a datalist.json</source>
        <translation>MONAI：NIfTI 图像/掩膜对及 datalist.json</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="297" />
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="304" />
        <source>nnU-Net dataset id (DatasetNNN)</source>
        <translation>nnU-Net 数据集编号（DatasetNNN）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="306" />
        <source>Dataset name (letters, digits and _)</source>
        <translation>数据集名称（字母、数字和 _）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="309" />
        <source>nnU-Net raw folder (nnUNet_raw) to put the dataset in</source>
        <translation>存放数据集的 nnU-Net 原始文件夹（nnUNet_raw）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="311" />
        <source>New folder for the dataset</source>
        <translation>数据集的新文件夹</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="323" />
        <source>%1 exists. Replace it?</source>
        <translation>%1 已存在。是否替换？</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="328" />
        <source>Folder of masks (PNG, NPY or NIfTI; 0 background, 1 lung, 2 infection)</source>
        <translation>掩膜文件夹（PNG、NPY 或 NIfTI；0 背景，1 肺，2 感染）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="343" />
        <source>%1 holds no mask files.</source>
        <translation>%1 中没有掩膜文件。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="353" />
        <source>Dataset written to %1: %2 samples; the judge left out %3 suspect samples (named in manifest.json)</source>
        <translation>数据集已写入 %1：%2 个样本；评判模型剔除了 %3 个可疑样本（列于 manifest.json）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="356" />
        <source>Dataset written to %1: %2 samples, each with the judge's DSC and flag in the manifests</source>
        <translation>数据集已写入 %1：%2 个样本，每个样本的评判 DSC 和标记记录在清单中</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="358" />
        <source>Dataset written to %1: %2 samples</source>
        <translation>数据集已写入 %1：%2 个样本</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="360" />
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="361" />
        <source>&amp;Import mask...</source>
        <translation>导入掩膜(&amp;I)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="362" />
        <source>&amp;Export mask...</source>
        <translation>导出掩膜(&amp;E)……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="364" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="367" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="368" />
        <location filename="../ui/MainWindow.cpp" line="375" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="370" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="371" />
        <source>Ctrl+Y</source>
        <translation>Ctrl+Y</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="371" />
        <source>Ctrl+Shift+Z</source>
        <translation>Ctrl+Shift+Z</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="375" />
        <source>&amp;Undo %1</source>
        <translation>撤销 %1(&amp;U)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="382" />
        <source>&amp;Brush</source>
        <translation>画笔(&amp;B)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="383" />
        <source>&amp;Eraser</source>
        <translation>橡皮擦(&amp;E)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="384" />
        <source>&amp;Threshold brush</source>
        <translation>阈值画笔(&amp;T)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="385" />
        <source>&amp;Fill</source>
        <translation>填充(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="386" />
        <source>&amp;Navigate only</source>
        <translation>仅浏览(&amp;N)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="387" />
        <source>Label: lung</source>
        <translation>标签：肺</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="388" />
        <source>Label: infection</source>
        <translation>标签：感染</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="389" />
        <source>Smaller brush</source>
        <translation>缩小画笔</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="390" />
        <source>Larger brush</source>
        <translation>放大画笔</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="392" />
        <source>Automatic &amp;lung mask (this slice)</source>
        <translation>自动肺掩膜（当前层面）(&amp;L)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="393" />
        <source>Automatic lung mask (all slices)</source>
        <translation>自动肺掩膜（所有层面）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="394" />
        <source>Remove small infection islands (this slice)</source>
        <translation>去除小的感染孤岛（当前层面）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="401" />
        <source>remove small islands</source>
        <translation>去除小孤岛</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="403" />
        <source>Use this slice for &amp;training</source>
        <translation>将此层面用于训练(&amp;T)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="406" />
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="408" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="409" />
        <source>Zoom to &amp;fit</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="409" />
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="410" />
        <source>Zoom &amp;1:1</source>
        <translation>原始大小 1:1(&amp;1)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="410" />
        <source>Ctrl+1</source>
        <translation>Ctrl+1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="411" />
        <source>Show/hide &amp;mask</source>
        <translation>显示/隐藏掩膜(&amp;M)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="412" />
        <source>&amp;Outline mask</source>
        <translation>掩膜轮廓(&amp;O)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="417" />
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="418" />
        <source> (in use in another window: read-only)</source>
        <translation>（已在另一个窗口中打开：只读）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="419" />
        <source>%1%2 - CT Synthesis Workbench</source>
        <translation>%1%2 - CT 合成工作台</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="445" />
        <source>Cannot open document</source>
        <translation>无法打开文档</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="458" />
        <source>Folder for a copy of the document (the original is in use)</source>
        <translation>文档副本的文件夹（原文档正在使用中）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="466" />
        <location filename="../ui/MainWindow.cpp" line="538" />
        <source>Open a CT series first.</source>
        <translation>请先打开一个 CT 序列。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="472" />
        <source>Slice %1 has no lung or infection mask yet. Paint it (or use the automatic lung mask) first.</source>
        <translation>层面 %1 还没有肺或感染掩膜。请先绘制（或使用自动肺掩膜）。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="505" />
        <source>Save the document first: kept samples are stored in its folder.</source>
        <translation>请先保存文档：保留的样本存放在文档文件夹中。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="540" />
        <source>No slice has a mask to synthesize from.</source>
        <translation>没有可用于合成的带掩膜层面。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="569" />
        <source>Document in use</source>
        <translation>文档正在使用中</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="570" />
        <source>%1 is open in another workbench window (%2). It is shown here, but this window will not save over it: Save asks for another folder.</source>
        <translation>%1 已在另一个工作台窗口中打开（%2）。此处可以查看，但本窗口不会覆盖保存它：保存时会要求选择另一个文件夹。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="588" />
        <location filename="../ui/MainWindow.cpp" line="605" />
        <source>Cannot save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="589" />
        <source>%1 is open in another workbench window (%2); nothing was written. Choose another folder with Save document as.</source>
        <translation>%1 已在另一个工作台窗口中打开（%2）；未写入任何内容。请用“文档另存为”选择另一个文件夹。</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="613" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="633" />
        <source>Autosave failed: %1</source>
        <translation>自动保存失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="660" />
        <source>automatic lung mask (all slices)</source>
        <translation>自动肺掩膜（所有层面）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="662" />
        <source>automatic lung mask</source>
        <translation>自动肺掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="667" />
        <source>Automatic lung mask: %1 voxels changed (threshold %2)</source>
        <translation>自动肺掩膜：更改了 %1 个体素（阈值 %2）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="672" />
        <source>Import mask</source>
        <translation>导入掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="672" />
        <source>Masks (*.nii *.nii.gz *.png *.npy);;All files (*)</source>
        <translation>掩膜 (*.nii *.nii.gz *.png *.npy);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="677" />
        <source>Label mapping</source>
        <translation>标签映射</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="677" />
        <source>How are the mask's values encoded?</source>
        <translation>掩膜的数值是如何编码的？</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="684" />
        <location filename="../ui/MainWindow.cpp" line="689" />
        <location filename="../ui/MainWindow.cpp" line="692" />
        <source>import mask</source>
        <translation>导入掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="695" />
        <source>Cannot import mask</source>
        <translation>无法导入掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="701" />
        <source>Export mask</source>
        <translation>导出掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="702" />
        <source>NIfTI volume (*.nii.gz);;PNG of this slice, values 0/1/2 (*.png)</source>
        <translation>NIfTI 体数据 (*.nii.gz);;当前层面的 PNG，数值 0/1/2 (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="707" />
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="709" />
        <source>Cannot export mask</source>
        <translation>无法导出掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="715" />
        <source>Unsaved mask</source>
        <translation>掩膜未保存</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="715" />
        <source>The mask has unsaved changes. Save them?</source>
        <translation>掩膜有未保存的更改。是否保存？</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="732" />
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="734" />
        <source> Window: </source>
        <translation> 窗宽窗位： </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="736" />
        <source>Lung (W1500 / L-600)</source>
        <translation>肺窗 (W1500 / L-600)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="737" />
        <source>Mediastinum (W350 / L40)</source>
        <translation>纵隔窗 (W350 / L40)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="738" />
        <source>Bone (W2000 / L500)</source>
        <translation>骨窗 (W2000 / L500)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="739" />
        <source>Custom (right-drag on the image)</source>
        <translation>自定义（在图像上按住右键拖动）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="746" />
        <source> Slice: </source>
        <translation> 层面： </translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="767" />
        <source>Loading</source>
        <translation>正在加载</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="774" />
        <source>Opening %1</source>
        <translation>正在打开 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="776" />
        <source>Loading %1 ...</source>
        <translation>正在加载 %1 ……</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="811" />
        <source>Cannot open the document's masks</source>
        <translation>无法打开文档的掩膜</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="814" />
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="815" />
        <source>A mask for this series was autosaved at %1 but never saved. Recover it?</source>
        <translation>此序列的掩膜已于 %1 自动保存，但从未手动保存。是否恢复？</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="830" />
        <source>Cannot recover</source>
        <translation>无法恢复</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="859" />
        <source>Cannot use this judge</source>
        <translation>无法使用此评判模型</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="865" />
        <source>Loaded %1 slices of %2 x %3</source>
        <translation>已加载 %1 个层面，%2 x %3</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="866" />
        <source>; %1 series in this folder, showing the largest</source>
        <translation>；此文件夹中有 %1 个序列，显示最大的一个</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="867" />
        <source>; %n warning(s), see the Series panel</source>
        <translation><numerusform>；%n 条警告，请见“序列”面板</numerusform></translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="875" />
        <source>Could not open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="876" />
        <source>Cannot open</source>
        <translation>无法打开</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="887" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="888" />
        <source>Modality</source>
        <translation>模态</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="889" />
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="890" />
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="890" />
        <source>%1 x %2, %3 slices</source>
        <translation>%1 x %2，%3 个层面</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="891" />
        <source>Spacing</source>
        <translation>间距</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="891" />
        <source>%1 x %2 x %3 mm</source>
        <translation>%1 x %2 x %3 毫米</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="892" />
        <source>Origin</source>
        <translation>原点</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="892" />
        <source>(%1, %2, %3) mm LPS</source>
        <translation>(%1, %2, %3) 毫米 LPS</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="893" />
        <source>Values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="893" />
        <source>Hounsfield units</source>
        <translation>亨氏单位 (HU)</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="893" />
        <source>display intensities (not HU)</source>
        <translation>显示灰度（非 HU）</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="894" />
        <source>Series UID</source>
        <translation>序列 UID</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="897" />
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../ui/MainWindow.cpp" line="902" />
        <source>Other series here</source>
        <translation>此处的其他序列</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/MainWindow.cpp" line="913" />
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
    <name>ctsw::PreviewGallery</name>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="59" />
        <source>Randomized condition</source>
        <translation>随机化条件</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="61" />
        <source>Test-time dropout</source>
        <translation>测试时 dropout</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="67" />
        <source>Randomized-condition magnitude on the 0-255 label scale (background, lung, infection)</source>
        <translation>随机化条件的幅度，按 0-255 标签刻度（背景、肺、感染）</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="72" />
        <source>Random alpha</source>
        <translation>随机 alpha</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="80" />
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="82" />
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="88" />
        <source>Fusion alpha</source>
        <translation>融合 alpha</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="91" />
        <location filename="../ui/PreviewGallery.cpp" line="336" />
        <source>Hold: real slice</source>
        <translation>按住：真实层面</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="92" />
        <source>While pressed, every tile shows the real training slice (A/B comparison)</source>
        <translation>按住时，每个格子显示真实的训练层面（A/B 对比）</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="94" />
        <location filename="../ui/PreviewGallery.cpp" line="218" />
        <source>Judge: none</source>
        <translation>评判模型：无</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="95" />
        <source>A segmentation model (cosingan seg-train) that checks every sample: its DSC and an ok/suspect flag on each tile, and in the exported manifests</source>
        <translation>用于检查每个样本的分割模型（cosingan seg-train）：每个缩略图及导出清单中显示其 DSC 和 正常/可疑 标记</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="98" />
        <source>Choose a segmentation model...</source>
        <translation>选择分割模型……</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="99" />
        <source>Segmentation model folder (cosingan seg-train)</source>
        <translation>分割模型文件夹（cosingan seg-train）</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="102" />
        <source>Cannot use this judge</source>
        <translation>无法使用此评判模型</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="104" />
        <source>No judge</source>
        <translation>不使用评判模型</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="111" />
        <source>No model yet: train one, or load a model folder.</source>
        <translation>尚无模型：请训练一个，或加载模型文件夹。</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="161" />
        <source>quality: self SSIM %1, PSNR %2 dB</source>
        <translation>质量：自重建 SSIM %1，PSNR %2 dB</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="169" />
        <source>; judge DSC lung %1, infection %2; %3 of %4 samples suspect</source>
        <translation>；评判 DSC 肺 %1，感染 %2；%4 个样本中 %3 个可疑</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="175" />
        <source> (measured before the model was trained again)</source>
        <translation>（在模型重新训练之前测得）</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="190" />
        <source>Model %1 (%2 px)</source>
        <translation>模型 %1（%2 像素）</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="191" />
        <source>No quality figures yet: cosingan quality --model MODEL --judge SEG_MODEL records them</source>
        <translation>尚无质量数据：运行 cosingan quality --model MODEL --judge SEG_MODEL 记录</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="211" />
        <source>Load or train a model first: the judge compares its samples with the model's training slice.</source>
        <translation>请先加载或训练模型：评判模型将其样本与模型的训练层面进行比较。</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="218" />
        <source>Judge: %1</source>
        <translation>评判模型：%1</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="248" />
        <source>Synthesizing %1 samples...</source>
        <translation>正在合成 %1 个样本……</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="273" />
        <source>Judge DSC lung %1, infection %2</source>
        <translation>评判 DSC 肺 %1，感染 %2</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="280" />
        <source>Synthesis failed: %1</source>
        <translation>合成失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="300" />
        <source>%1 samples in %2 s (seeds %3 to %4)</source>
        <translation>%1 个样本，用时 %2 秒（种子 %3 至 %4）</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="302" />
        <source>; judge %1: %2 ok, %3 suspect</source>
        <translation>；评判模型 %1：%2 个正常，%3 个可疑</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="326" />
        <source>Sample %1 (seed %2)</source>
        <translation>样本 %1（种子 %2）</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="337" />
        <source>Keep in the document</source>
        <translation>保留到文档中</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="338" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="351" />
        <source>Kept</source>
        <translation>已保留</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="369" />
        <location filename="../ui/PreviewGallery.cpp" line="381" />
        <source>Click: open at 1:1, compare with the real slice, keep it</source>
        <translation>单击：以 1:1 打开，与真实层面对比，并可保留</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="395" />
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="395" />
        <source>suspect</source>
        <translation>可疑</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="408" />
        <source>no model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="409" />
        <source>Leaving out suspect samples needs a judge: choose a segmentation model first.</source>
        <translation>剔除可疑样本需要评判模型：请先选择分割模型。</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="432" />
        <source>Exporting the dataset...</source>
        <translation>正在导出数据集……</translation>
    </message>
    <message>
        <location filename="../ui/PreviewGallery.cpp" line="432" />
        <source>Cancel</source>
        <translation>取消</translation>
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
    <name>ctsw::TrainingController</name>
    <message>
        <location filename="../ui/TrainingController.cpp" line="42" />
        <source>Device unknown: the cosingan tool was not found beside the workbench</source>
        <translation>设备未知：在工作台旁边找不到 cosingan 工具</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="52" />
        <source>Device unknown: cosingan device failed</source>
        <translation>设备未知：cosingan device 运行失败</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="60" />
        <source>Device unknown: cosingan device gave no report</source>
        <translation>设备未知：cosingan device 没有给出报告</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="67" />
        <source>Device unknown: cosingan could not be started</source>
        <translation>设备未知：无法启动 cosingan</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="79" />
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="82" />
        <source>CUDA: %1, %2 GiB (%3 GiB free)</source>
        <translation>CUDA：%1，%2 GiB（可用 %3 GiB）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="87" />
        <source> - LibTorch %1</source>
        <translation> - LibTorch %1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="90" />
        <source>CPU, 1 thread</source>
        <translation>CPU，1 个线程</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="90" />
        <source>CPU, %1 threads</source>
        <translation>CPU，%1 个线程</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="92" />
        <source> - the GPU %1 is present but this LibTorch (%2) has no CUDA</source>
        <translation> - 存在 GPU %1，但此 LibTorch（%2）不支持 CUDA</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="94" />
        <source> - no GPU (LibTorch %1)</source>
        <translation> - 无 GPU（LibTorch %1）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="120" />
        <source>the cosingan tool was not found beside the workbench</source>
        <translation>在工作台旁边找不到 cosingan 工具</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="121" />
        <source>build the project (cmake --build build) or set CTSW_COSINGAN</source>
        <translation>请构建项目（cmake --build build）或设置 CTSW_COSINGAN</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="138" />
        <source>could not start %1</source>
        <translation>无法启动 %1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="194" />
        <source>unreadable trainer output: %1</source>
        <translation>无法读取的训练器输出：%1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="232" />
        <source>training on %1</source>
        <translation>在 %1 上训练</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="236" />
        <source>checkpoint: scale %1, stage %2, iteration %3</source>
        <translation>检查点：尺度 %1，阶段 %2，迭代 %3</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="255" />
        <source>the trainer crashed (killed by a signal, possibly out of memory)</source>
        <translation>训练器崩溃（被信号终止，可能是内存不足）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="256" />
        <source>the trainer exited with code %1 without a result</source>
        <translation>训练器以代码 %1 退出，没有结果</translation>
    </message>
    <message>
        <location filename="../ui/TrainingController.cpp" line="257" />
        <source>the last checkpoint is kept; Resume continues from it</source>
        <translation>已保留最后一个检查点；“继续训练”将从该处开始</translation>
    </message>
</context>
<context>
    <name>ctsw::TrainingPanel</name>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="49" />
        <source>Fast (top scale 256)</source>
        <translation>快速（最高尺度 256）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="50" />
        <source>Standard (fast, twice the iterations)</source>
        <translation>标准（fast 的两倍迭代次数）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="51" />
        <source>Paper (9 scales to 512)</source>
        <translation>论文设置（9 个尺度，至 512）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="52" />
        <source>Smoke test (seconds)</source>
        <translation>冒烟测试（数秒）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="53" />
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="60" />
        <source>Device: asking cosingan...</source>
        <translation>设备：正在询问 cosingan……</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="65" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="66" />
        <location filename="../ui/TrainingPanel.cpp" line="250" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="67" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="68" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="69" />
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="70" />
        <source>Train on the training slice (Ctrl+T marks it) and its mask</source>
        <translation>在训练层面（Ctrl+T 标记）及其掩膜上训练</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="71" />
        <source>Finish the current iteration, keep a checkpoint; Resume continues later</source>
        <translation>完成当前迭代并保留检查点；之后可“继续训练”</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="72" />
        <source>End training at once and discard this run</source>
        <translation>立即结束训练并丢弃本次运行</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="82" />
        <location filename="../ui/TrainingPanel.cpp" line="262" />
        <source>Not started</source>
        <translation>尚未开始</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="92" />
        <source>iteration (whole schedule)</source>
        <translation>迭代（整个训练计划）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="93" />
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="102" />
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="103" />
        <source>Smooth</source>
        <translation>平滑</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="104" />
        <source>Export CSV...</source>
        <translation>导出 CSV……</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="105" />
        <source>Export PNG...</source>
        <translation>导出 PNG……</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="119" />
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="140" />
        <source>Export loss curves</source>
        <translation>导出损失曲线</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="140" />
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="144" />
        <source>Export loss plot</source>
        <translation>导出损失图</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="144" />
        <source>PNG (*.png)</source>
        <translation>PNG (*.png)</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="150" />
        <source>iteration %1</source>
        <translation>迭代 %1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="169" />
        <source>No word from the trainer for %1 s: it may be stalled. Stop or Cancel it if it does not recover.</source>
        <translation>训练器已有 %1 秒没有消息：可能已停滞。如果没有恢复，请停止或取消。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="184" />
        <source>About 2 minutes on a current GPU (103 s measured on an NVIDIA H200).</source>
        <translation>在当前的 GPU 上约 2 分钟（在 NVIDIA H200 上实测 103 秒）。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="190" />
        <source>About 65 hours on 2 CPU cores: a job for a GPU (cosingan train --device cuda).</source>
        <translation>在 2 个 CPU 核心上约 65 小时：适合在 GPU 上运行（cosingan train --device cuda）。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="192" />
        <source>A few seconds; for checking the set-up, not for use.</source>
        <translation>数秒；用于检查环境，不用于实际使用。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="195" />
        <source>Measured on a MedSeg slice with two seeds: it reconstructs its slice with SSIM 0.86-0.90; a judge segmenter finds lung 0.96 and infection 0.72-0.73 DSC in images of other slices' masks; a painted lesion comes out 17-35 grey levels below the slice's real infection.</source>
        <translation>在一张 MedSeg 切片上用两个随机种子实测：重建自身切片的 SSIM 为 0.86-0.90；评判分割网络在由其他切片掩膜合成的图像中得到肺 0.96、感染 0.72-0.73 的 DSC；新画的病灶比该切片真实感染的平均灰度低 17-35 级。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="186" />
        <source>About 40 minutes on a current GPU (per-iteration times measured on an NVIDIA H200).</source>
        <translation>在当前的 GPU 上约 40 分钟（按在 NVIDIA H200 上实测的每次迭代时间估算）。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="185" />
        <source>About 4 minutes on a current GPU (twice fast's iterations; not measured on a GPU).</source>
        <translation>在当前的 GPU 上约 4 分钟（迭代次数为 fast 的两倍；未在 GPU 上实测）。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="188" />
        <source>About 8 to 15 minutes on 2 CPU cores (12.2 measured on a 2-core Intel Xeon; 14.9 on a slower AMD EPYC with the previous settings).</source>
        <translation>在 2 个 CPU 核心上约 8 至 15 分钟（在一台 2 核 Intel Xeon 上实测 12.2 分钟；在较慢的 AMD EPYC 上旧设置需 14.9 分钟）。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="189" />
        <source>About 20 to 35 minutes on 2 CPU cores (26.2 measured on the Intel Xeon where fast took 12.2).</source>
        <translation>在 2 个 CPU 核心上约 20 至 35 分钟（在 fast 需 12.2 分钟的 Intel Xeon 上实测 26.2 分钟）。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="197" />
        <source>Measured on a MedSeg slice: SSIM 0.93 against fast's 0.90, judge lung 0.95 and infection 0.63 DSC; finer texture, not better masks.</source>
        <translation>在一张 MedSeg 切片上实测：SSIM 0.93（fast 为 0.90），评判网络肺 0.95、感染 0.63 DSC；纹理更细致，掩膜符合度并未提高。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="199" />
        <source>The paper's schedule at 512 px.</source>
        <translation>论文的训练计划，512 像素。</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="250" />
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="265" />
        <source>Training the feature U-Net on the slice: %1 / %2</source>
        <translation>正在该层面上训练特征 U-Net：%1 / %2</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="266" />
        <source>Scale %1 of %2 (%3 px), stage %4: iteration %5 / %6  |  %7 it/s  |  ETA %8</source>
        <translation>尺度 %1 / %2（%3 像素），阶段 %4：迭代 %5 / %6  |  %7 次/秒  |  剩余 %8</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="270" />
        <source>Paused (the trainer keeps its state; Continue goes on)</source>
        <translation>已暂停（训练器保留其状态；“继续”可接着进行）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="271" />
        <source>Stopping... (finishing the iteration and writing a checkpoint)</source>
        <translation>正在停止……（完成当前迭代并写入检查点）</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="272" />
        <source>Stopped with a checkpoint; Resume continues from it</source>
        <translation>已停止并保存检查点；“继续训练”将从该处开始</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="275" />
        <source>Finished: model in %1</source>
        <translation>已完成：模型位于 %1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="278" />
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="279" />
        <source>Hint: %1</source>
        <translation>提示：%1</translation>
    </message>
    <message>
        <location filename="../ui/TrainingPanel.cpp" line="281" />
        <source>Cancelled; the run was discarded</source>
        <translation>已取消；本次运行已丢弃</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="70" />
        <source>Learn CoSinGAN from one annotated chest CT slice and synthesize annotated CT.</source>
        <translation>从一张已标注的胸部 CT 层面学习 CoSinGAN，并合成带标注的 CT。</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="73" />
        <source>DICOM folder, NIfTI volume, 2D image or saved document folder to open (default: the bundled sample)</source>
        <translation>要打开的 DICOM 文件夹、NIfTI 体数据、二维图像或已保存的文档文件夹（默认：内置示例）</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="74" />
        <source>Series id or UID to open</source>
        <translation>要打开的序列 ID 或 UID</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="75" />
        <source>Start without opening the sample</source>
        <translation>启动时不打开示例</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="76" />
        <source>Language of the user interface (en, zh_CN); default: the system's</source>
        <translation>界面语言（en、zh_CN）；默认：系统语言</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="79" />
        <source>Trained model folder to preview with</source>
        <translation>用于预览的已训练模型文件夹</translation>
    </message>
    <message>
        <location filename="../app/workbench/main.cpp" line="81" />
        <source>Segmentation model that flags each preview (with --model)</source>
        <translation>用于标记每个预览的分割模型（与 --model 一起使用）</translation>
    </message>
</context>
</TS>