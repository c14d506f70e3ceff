#include <cstdio>
#include <filesystem>

#include "Args.h"
#include "Commands.h"
#include "io/ImageSource.h"
#include "io/IoError.h"
#include "json/Json.h"

namespace ctsw::cli {

namespace {

Json vec(const Vec3& v) { return Json::arrayOf(v); }

struct SeriesReport {
    SeriesInfo info;
    bool haveRange = false;
    Range hu;
};

Json toJson(const SeriesReport& r) {
    const SeriesInfo& s = r.info;
    Json j = Json::object();
    j.set("id", s.id);
    j.set("uid", s.uid);
    j.set("modality", s.modality);
    j.set("description", s.description);
    j.set("format", s.format);
    j.set("slices", s.geometry.size[2]);
    j.set("rows", s.geometry.size[1]);
    j.set("columns", s.geometry.size[0]);
    j.set("spacing", vec(s.geometry.spacing));
    j.set("origin", vec(s.geometry.origin));
    j.set("direction", Json::arrayOf(s.geometry.direction));
    j.set("values_are_hu", s.valuesAreHu);
    j.set("hu_min", r.haveRange ? Json(r.hu.min) : Json());
    j.set("hu_max", r.haveRange ? Json(r.hu.max) : Json());
    j.set("loadable", s.notLoadable.empty());
    Json warnings = Json::array();
    for (const auto& w : s.warnings) warnings.push(w);
    if (!s.notLoadable.empty()) warnings.push("cannot be loaded: " + s.notLoadable);
    j.set("warnings", warnings);
    return j;
}

void printText(const std::string& path, const std::vector<SeriesReport>& reports, const std::vector<SkippedFile>& skipped) {
    std::printf("%s: %zu series\n", path.c_str(), reports.size());
    for (const auto& r : reports) {
        const SeriesInfo& s = r.info;
        const Geometry& g = s.geometry;
        std::printf("\nseries %s\n", s.id.c_str());
        if (s.uid != s.id) std::printf("  uid          %s\n", s.uid.c_str());
        std::printf("  modality     %s%s%s\n", s.modality.c_str(), s.description.empty() ? "" : "  - ", s.description.c_str());
        std::printf("  format       %s\n", s.format.c_str());
        std::printf("  size         %d x %d, %d slices\n", g.size[0], g.size[1], g.size[2]);
        std::printf("  spacing      %.6g x %.6g x %.6g mm\n", g.spacing[0], g.spacing[1], g.spacing[2]);
        std::printf("  origin       (%.6g, %.6g, %.6g) mm LPS\n", g.origin[0], g.origin[1], g.origin[2]);
        std::printf("  direction    [%.4g %.4g %.4g; %.4g %.4g %.4g; %.4g %.4g %.4g]\n", g.direction[0], g.direction[1], g.direction[2],
                    g.direction[3], g.direction[4], g.direction[5], g.direction[6], g.direction[7], g.direction[8]);
        if (r.haveRange) std::printf("  %s  %.6g .. %.6g\n", s.valuesAreHu ? "HU range   " : "value range", r.hu.min, r.hu.max);
        if (!s.notLoadable.empty()) std::printf("  CANNOT LOAD  %s\n", s.notLoadable.c_str());
        for (const auto& w : s.warnings) std::printf("  warning      %s\n", w.c_str());
    }
    if (!skipped.empty()) {
        std::printf("\nskipped %zu files:\n", skipped.size());
        for (const auto& f : skipped) std::printf("  %s: %s\n", f.path.c_str(), f.reason.c_str());
    }
}

}  // namespace

int runInfo(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"json"});
    if (args.positionals().size() != 1) throw UsageError("info takes exactly one PATH");
    const std::string path = args.positionals()[0];
    SourceListing listing = listSource(path);

    std::vector<SeriesReport> reports;
    for (const auto& s : listing.series) {
        SeriesReport r;
        r.info = s;
        if (s.notLoadable.empty()) {
            try {
                LoadOptions options;
                options.series = s.id;
                LoadedVolume v = loadSeries(listing, options);
                r.hu = valueRange(v.volume.voxels());
                r.haveRange = true;
            } catch (const IoError& e) {
                r.info.notLoadable = e.what();
            }
        }
        reports.push_back(std::move(r));
    }

    if (args.flag("json")) {
        Json root = Json::object();
        root.set("path", path);
        Json series = Json::array();
        for (const auto& r : reports) series.push(toJson(r));
        root.set("series", series);
        Json skipped = Json::array();
        for (const auto& f : listing.skipped) {
            Json e = Json::object();
            e.set("path", f.path);
            e.set("reason", f.reason);
            skipped.push(e);
        }
        root.set("skipped", skipped);
        std::printf("%s\n", root.dump(2).c_str());
    } else {
        printText(path, reports, listing.skipped);
    }
    if (reports.empty()) {
        std::fprintf(stderr, "cosingan info: %s: no images found%s\n", path.c_str(),
                     listing.skipped.empty() ? "" : " (every file was skipped; see the reasons)");
        return kBadInput;
    }
    return kOk;
}

}  // namespace ctsw::cli
