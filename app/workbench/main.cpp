// The workbench executable: composition only. Opens the path given on the command line, or the
// bundled real chest CT sample.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include "MainWindow.h"
#include "VtkOpenGLWidget.h"

namespace {

QString findBundledSample() {
    const QString env = qEnvironmentVariable("CTSW_SAMPLE");
    if (!env.isEmpty()) return env;
    const QString installed = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/ct-synthesis-workbench/sample/chest-ct-A0002"));
    if (QFileInfo::exists(installed)) return QDir::cleanPath(installed);
    const QString source = QStringLiteral(CTSW_SOURCE_SAMPLE_DIR);
    if (QFileInfo::exists(source)) return source;
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    ctsw::VtkOpenGLWidget::setDefaultSurfaceFormat();  // before QApplication: VTK needs OpenGL 3.2 core
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CT Synthesis Workbench"));
    QApplication::setOrganizationName(QStringLiteral("ct-synthesis-workbench"));
    QApplication::setApplicationVersion(QStringLiteral(CTSW_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Learn CoSinGAN from one annotated chest CT slice and synthesize annotated CT."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("path"), QApplication::translate("main", "DICOM folder, NIfTI volume or 2D image to open (default: the bundled sample)"));
    QCommandLineOption seriesOption(QStringLiteral("series"), QApplication::translate("main", "Series id or UID to open"), QStringLiteral("id"));
    QCommandLineOption emptyOption(QStringLiteral("empty"), QApplication::translate("main", "Start without opening the sample"));
    parser.addOption(seriesOption);
    parser.addOption(emptyOption);
    parser.process(app);

    ctsw::MainWindow window;
    window.show();
    QString path = parser.positionalArguments().value(0);
    if (path.isEmpty() && !parser.isSet(emptyOption)) path = findBundledSample();
    if (!path.isEmpty()) {
        const QString series = parser.value(seriesOption);
        QTimer::singleShot(0, &window, [&window, path, series] { window.openPath(path, series); });
    }
    return app.exec();
}
