// The workbench executable: composition only. Opens the path given on the command line, or the
// bundled real chest CT sample.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

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

// Installs the translations for `lang` ("en", "zh_CN", ...; empty = the system locale). English is the
// source language and needs none. The .qm files are installed in ../share/ct-synthesis-workbench/
// translations relative to the executable, and lie beside it in the build tree; CTSW_TRANSLATIONS
// names another folder. QTranslator falls back from zh_CN to zh.
void installTranslations(QApplication& app, QString lang) {
    if (lang.isEmpty()) lang = QLocale::system().name();
    if (lang.startsWith(QLatin1String("en"))) return;
    const QDir exeDir(QCoreApplication::applicationDirPath());
    QStringList folders{exeDir.absoluteFilePath(QStringLiteral("../share/ct-synthesis-workbench/translations")), exeDir.absolutePath()};
    if (!qEnvironmentVariable("CTSW_TRANSLATIONS").isEmpty()) folders.prepend(qEnvironmentVariable("CTSW_TRANSLATIONS"));
    auto* ours = new QTranslator(&app);
    for (const QString& folder : folders) {
        if (ours->load(QLocale(lang), QStringLiteral("ct-synthesis-workbench"), QStringLiteral("_"), folder)) {
            app.installTranslator(ours);
            break;
        }
    }
    auto* qt = new QTranslator(&app);
    if (qt->load(QStringLiteral("qtbase_%1").arg(lang), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) app.installTranslator(qt);
}

QString languageArgument(int argc, char** argv) {
    // Read before QCommandLineParser runs, so that its --help text is translated too.
    for (int i = 1; i + 1 < argc; ++i)
        if (QString::fromLocal8Bit(argv[i]) == QLatin1String("--lang")) return QString::fromLocal8Bit(argv[i + 1]);
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    ctsw::VtkOpenGLWidget::setDefaultSurfaceFormat();  // before QApplication: VTK needs OpenGL 3.2 core
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("CT Synthesis Workbench"));
    QApplication::setOrganizationName(QStringLiteral("ct-synthesis-workbench"));
    QApplication::setApplicationVersion(QStringLiteral(CTSW_VERSION));
    // The desktop entry (packaging/linux) and the icon theme's icon; the embedded copy from the build tree.
    QGuiApplication::setDesktopFileName(QStringLiteral("org.ctsynthesis.workbench"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("ct-synthesis-workbench"), QIcon(QStringLiteral(":/icons/ct-synthesis-workbench.png"))));
    installTranslations(app, languageArgument(argc, argv));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Learn CoSinGAN from one annotated chest CT slice and synthesize annotated CT."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("path"), QApplication::translate("main", "DICOM folder, NIfTI volume, 2D image or saved document folder to open (default: the bundled sample)"));
    QCommandLineOption seriesOption(QStringLiteral("series"), QApplication::translate("main", "Series id or UID to open"), QStringLiteral("id"));
    QCommandLineOption emptyOption(QStringLiteral("empty"), QApplication::translate("main", "Start without opening the sample"));
    QCommandLineOption langOption(QStringLiteral("lang"), QApplication::translate("main", "Language of the user interface (en, zh_CN); default: the system's"),
                                  QStringLiteral("code"));
    parser.addOption(langOption);
    QCommandLineOption modelOption(QStringLiteral("model"), QApplication::translate("main", "Trained model folder to preview with"), QStringLiteral("dir"));
    parser.addOption(modelOption);
    QCommandLineOption judgeOption(QStringLiteral("judge"), QApplication::translate("main", "Segmentation model that flags each preview (with --model)"), QStringLiteral("dir"));
    parser.addOption(judgeOption);
    parser.addOption(seriesOption);
    parser.addOption(emptyOption);
    parser.process(app);

    ctsw::MainWindow window;
    if (parser.isSet(modelOption)) window.setPreviewModel(parser.value(modelOption));
    if (parser.isSet(judgeOption)) window.setPreviewJudge(parser.value(judgeOption));
    window.show();
    QString path = parser.positionalArguments().value(0);
    if (path.isEmpty() && !parser.isSet(emptyOption)) path = findBundledSample();
    if (!path.isEmpty() && QFileInfo::exists(path + QStringLiteral("/document.json"))) {
        QTimer::singleShot(0, &window, [&window, path] { window.openDocument(path); });  // a saved document: its source and masks
    } else if (!path.isEmpty()) {
        const QString series = parser.value(seriesOption);
        QTimer::singleShot(0, &window, [&window, path, series] { window.openPath(path, series); });
    }
    return app.exec();
}
