#include "ReportCharts.h"

#include <QFont>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "io/IoError.h"

namespace ctsw::cli {

namespace {

void ensureGuiApplication() {
    if (!QGuiApplication::instance()) throw std::logic_error("report drawing needs a ReportCanvas");
}

void save(const QImage& image, const std::string& path) {
    if (!image.save(QString::fromStdString(path), "PNG")) throw IoError(path, "cannot write the PNG (disk full or no permission?)");
}

const QColor kSeriesColours[] = {QColor(0x4c, 0x72, 0xb0), QColor(0xdd, 0x84, 0x52), QColor(0x55, 0xa8, 0x68), QColor(0xc4, 0x4e, 0x52)};

}  // namespace

struct ReportCanvas::Impl {
    int argc = 1;
    char name[9] = "cosingan";
    char* argv[2] = {name, nullptr};
    std::unique_ptr<QGuiApplication> app;
};

ReportCanvas::ReportCanvas() : impl_(new Impl) {
    if (QGuiApplication::instance()) return;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    impl_->app = std::make_unique<QGuiApplication>(impl_->argc, impl_->argv);
}

ReportCanvas::~ReportCanvas() { delete impl_; }

void drawBarChart(const eval::BarChart& chart, const std::string& pngPath) {
    ensureGuiApplication();
    const int groups = static_cast<int>(chart.groups.size()), series = static_cast<int>(chart.series.size());
    const int left = 70, right = 20, top = 50, bottom = 70;
    const int groupWidth = std::max(90, 40 * series + 30);
    QImage image(left + right + groupWidth * std::max(1, groups), 420, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPixelSize(13);
    p.setFont(font);
    const int plotHeight = image.height() - top - bottom;
    auto yOf = [&](double v) { return top + plotHeight - static_cast<int>(std::lround(std::clamp(v / chart.yMax, 0.0, 1.0) * plotHeight)); };
    p.drawText(QRect(0, 8, image.width(), 24), Qt::AlignCenter, QString::fromStdString(chart.title));
    p.setPen(QColor(220, 220, 220));
    for (int t = 0; t <= 5; ++t) p.drawLine(left, yOf(chart.yMax * t / 5), image.width() - right, yOf(chart.yMax * t / 5));
    p.setPen(Qt::black);
    for (int t = 0; t <= 5; ++t) p.drawText(QRect(0, yOf(chart.yMax * t / 5) - 8, left - 6, 16), Qt::AlignRight | Qt::AlignVCenter, QString::number(chart.yMax * t / 5, 'f', 1));
    p.save();
    p.translate(16, top + plotHeight / 2);
    p.rotate(-90);
    p.drawText(QRect(-plotHeight / 2, -10, plotHeight, 20), Qt::AlignCenter, QString::fromStdString(chart.yLabel));
    p.restore();
    const int barWidth = (groupWidth - 30) / std::max(1, series);
    for (int g = 0; g < groups; ++g) {
        const int x0 = left + g * groupWidth + 15;
        for (int s = 0; s < series; ++s) {
            if (s >= static_cast<int>(chart.values.size()) || g >= static_cast<int>(chart.values[static_cast<std::size_t>(s)].size())) continue;
            const eval::Interval& v = chart.values[static_cast<std::size_t>(s)][static_cast<std::size_t>(g)];
            if (!std::isfinite(v.mean)) continue;
            const int x = x0 + s * barWidth;
            p.fillRect(QRect(x, yOf(v.mean), barWidth - 4, yOf(0) - yOf(v.mean)), kSeriesColours[s % 4]);
            if (v.n >= 2 && std::isfinite(v.low) && std::isfinite(v.high)) {
                // The confidence interval, clipped to the axis (the t-interval may pass 0 or 1).
                const int cx = x + (barWidth - 4) / 2;
                p.setPen(QPen(Qt::black, 1.5));
                p.drawLine(cx, yOf(v.low), cx, yOf(v.high));
                p.drawLine(cx - 5, yOf(v.low), cx + 5, yOf(v.low));
                p.drawLine(cx - 5, yOf(v.high), cx + 5, yOf(v.high));
            }
        }
        p.setPen(Qt::black);
        p.drawText(QRect(left + g * groupWidth, yOf(0) + 6, groupWidth, 20), Qt::AlignCenter, QString::fromStdString(chart.groups[static_cast<std::size_t>(g)]));
    }
    p.drawLine(left, yOf(0), image.width() - right, yOf(0));
    int lx = left;
    for (int s = 0; s < series; ++s) {
        p.fillRect(QRect(lx, image.height() - 28, 14, 14), kSeriesColours[s % 4]);
        const QString name = QString::fromStdString(chart.series[static_cast<std::size_t>(s)]);
        p.drawText(QPoint(lx + 20, image.height() - 16), name);
        lx += 40 + p.fontMetrics().horizontalAdvance(name);
    }
    p.drawText(QPoint(lx + 10, image.height() - 16), QStringLiteral("(bars: mean; whiskers: 95 % CI)"));
    p.end();
    save(image, pngPath);
}

void drawImageGrid(const eval::ImageGrid& grid, const std::string& pngPath) {
    ensureGuiApplication();
    const int count = static_cast<int>(grid.images.size());
    if (count == 0) return;
    const int cell = std::min(256, grid.images.front().width()), columns = std::min(grid.columns, count), rows = (count + columns - 1) / columns;
    const int caption = 18, titleHeight = 26;
    QImage image(columns * (cell + 4) + 4, titleHeight + rows * (cell + caption + 4), QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter p(&image);
    QFont font = p.font();
    font.setPixelSize(12);
    p.setFont(font);
    p.setPen(Qt::white);
    p.drawText(QRect(0, 4, image.width(), titleHeight - 4), Qt::AlignCenter, QString::fromStdString(grid.title));
    for (int i = 0; i < count; ++i) {
        const auto& src = grid.images[static_cast<std::size_t>(i)];
        QImage tile(src.width(), src.height(), QImage::Format_RGB32);
        const bool hasLabels = i < static_cast<int>(grid.labels.size()) && grid.labels[static_cast<std::size_t>(i)].width() == src.width();
        for (int y = 0; y < src.height(); ++y) {
            auto* line = reinterpret_cast<QRgb*>(tile.scanLine(y));
            for (int x = 0; x < src.width(); ++x) {
                const int v = std::clamp(static_cast<int>(std::lround(src.at(x, y))), 0, 255);
                QRgb c = qRgb(v, v, v);
                if (hasLabels) {
                    // Outlines: a labelled pixel with a neighbour of another label.
                    const auto& l = grid.labels[static_cast<std::size_t>(i)];
                    const std::uint8_t here = l.at(x, y);
                    const bool edge = here != 0 && ((x > 0 && l.at(x - 1, y) != here) || (x + 1 < src.width() && l.at(x + 1, y) != here) ||
                                                    (y > 0 && l.at(x, y - 1) != here) || (y + 1 < src.height() && l.at(x, y + 1) != here));
                    if (edge) c = here == 2 ? qRgb(255, 60, 60) : qRgb(80, 160, 255);
                }
                line[x] = c;
            }
        }
        const int cx = 4 + (i % columns) * (cell + 4), cy = titleHeight + (i / columns) * (cell + caption + 4);
        p.drawImage(QRect(cx, cy, cell, cell), tile);
        if (i < static_cast<int>(grid.captions.size()))
            p.drawText(QRect(cx, cy + cell, cell, caption), Qt::AlignCenter,
                       p.fontMetrics().elidedText(QString::fromStdString(grid.captions[static_cast<std::size_t>(i)]), Qt::ElideLeft, cell));
    }
    p.end();
    save(image, pngPath);
}

}  // namespace ctsw::cli
