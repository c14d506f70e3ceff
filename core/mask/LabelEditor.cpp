#include "mask/LabelEditor.h"

#include <algorithm>
#include <cmath>

#include "mask/LungMask.h"

namespace ctsw::mask {

namespace {
constexpr std::uint8_t kBackground = 0, kLung = 1, kInfection = 2;
// What lies beneath a label when it is erased: infection sits inside lung.
std::uint8_t beneath(std::uint8_t label) { return label == kInfection ? kLung : kBackground; }
}  // namespace

std::size_t EditStep::changedVoxels() const {
    std::size_t n = 0;
    for (const auto& r : runs) n += r.length;
    return n;
}

LabelEditor::LabelEditor(LabelVolume& labels, const CtVolume* image) : labels_(labels), image_(image) {}

std::uint8_t LabelEditor::paintedValue(std::uint8_t current, std::uint8_t label, bool erase, const PaintRules& rules, std::size_t index) const {
    if (rules.intensityRange && image_) {
        const float v = image_->voxels()[index];
        if (v < rules.intensityRange->first || v > rules.intensityRange->second) return current;
    }
    if (erase) return current == label ? beneath(label) : current;
    if (current == label) return current;
    if (label == kInfection) {
        if (rules.infectionOnlyInsideLung && current != kLung) return current;
        if (rules.overwrite == Overwrite::ProtectOtherLabels && current != kLung && current != kBackground) return current;
        return label;
    }
    if (label == kLung) {
        if (rules.overwrite == Overwrite::ProtectOtherLabels && current == kInfection) return current;
        return label;
    }
    // Painting background is erasing everything.
    return label;
}

void LabelEditor::beginStroke(int slice, Label label, double radiusPixels, bool erase, const PaintRules& rules) {
    if (slice < 0 || slice >= labels_.depth()) return;
    stroke_ = Stroke{};
    stroke_.active = true;
    stroke_.slice = slice;
    stroke_.label = static_cast<std::uint8_t>(label);
    stroke_.radius = std::max(0.5, radiusPixels);
    stroke_.erase = erase;
    stroke_.rules = rules;
}

void LabelEditor::stamp(double cx, double cy) {
    const int w = labels_.width(), h = labels_.height();
    const double r = stroke_.radius;
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - r))), x1 = std::min(w - 1, static_cast<int>(std::ceil(cx + r)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - r))), y1 = std::min(h - 1, static_cast<int>(std::ceil(cy + r)));
    const double r2 = r * r;
    std::uint8_t* px = labels_.slicePointer(stroke_.slice);
    const std::size_t sliceOffset = static_cast<std::size_t>(stroke_.slice) * static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    for (int y = y0; y <= y1; ++y) {
        const double dy = y + 0.5 - cy;
        for (int x = x0; x <= x1; ++x) {
            const double dx = x + 0.5 - cx;
            if (dx * dx + dy * dy > r2) continue;
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            const std::uint8_t cur = px[i];
            const std::uint8_t next = paintedValue(cur, stroke_.label, stroke_.erase, stroke_.rules, sliceOffset + i);
            if (next == cur) continue;
            stroke_.changed.push_back(static_cast<std::uint32_t>(sliceOffset + i));
            stroke_.before.push_back(cur);
            px[i] = next;
        }
    }
}

void LabelEditor::strokeTo(double x, double y) {
    if (!stroke_.active) return;
    if (!stroke_.hasLast) {
        stamp(x, y);
    } else {
        // Stamps along the segment so that fast strokes leave no gaps.
        const double dx = x - stroke_.lastX, dy = y - stroke_.lastY;
        const double length = std::sqrt(dx * dx + dy * dy);
        const double step = std::max(0.5, stroke_.radius / 4.0);
        const int n = std::max(1, static_cast<int>(std::ceil(length / step)));
        for (int i = 1; i <= n; ++i) stamp(stroke_.lastX + dx * i / n, stroke_.lastY + dy * i / n);
    }
    stroke_.hasLast = true;
    stroke_.lastX = x;
    stroke_.lastY = y;
}

std::size_t LabelEditor::endStroke() {
    if (!stroke_.active) return 0;
    stroke_.active = false;
    std::vector<std::pair<std::uint32_t, std::pair<std::uint8_t, std::uint8_t>>> changes;
    changes.reserve(stroke_.changed.size());
    const auto& v = labels_.voxels();
    for (std::size_t k = 0; k < stroke_.changed.size(); ++k) changes.push_back({stroke_.changed[k], {stroke_.before[k], v[stroke_.changed[k]]}});
    const std::string what = std::string(stroke_.erase ? "erase " : "paint ") + labelName(static_cast<Label>(stroke_.label));
    EditStep step = compress(std::move(changes), what);
    const std::size_t n = step.changedVoxels();
    lastSlice_ = stroke_.slice;
    if (n > 0) record(std::move(step));
    stroke_ = Stroke{};
    return n;
}

EditStep LabelEditor::compress(std::vector<std::pair<std::uint32_t, std::pair<std::uint8_t, std::uint8_t>>> changes, std::string description) {
    // A voxel may be visited by several stamps but changes only once (the first time), so indices are
    // unique; sort them and merge neighbours with equal before/after values into runs.
    std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    EditStep step;
    step.description = std::move(description);
    for (const auto& [index, ba] : changes) {
        if (!step.runs.empty()) {
            auto& r = step.runs.back();
            if (r.start + r.length == index && r.before == ba.first && r.after == ba.second) { ++r.length; continue; }
        }
        step.runs.push_back({index, 1, ba.first, ba.second});
    }
    step.runs.shrink_to_fit();
    return step;
}

void LabelEditor::record(EditStep step) {
    redo_.clear();
    undo_.push_back(std::move(step));
    enforceBudget();
}

void LabelEditor::enforceBudget() {
    while (undo_.size() > 1 && historyBytes() > budget_) undo_.pop_front();
}

void LabelEditor::setBudgetBytes(std::size_t bytes) {
    budget_ = bytes;
    enforceBudget();
}

std::size_t LabelEditor::historyBytes() const {
    std::size_t n = 0;
    for (const auto& s : undo_) n += s.bytes();
    for (const auto& s : redo_) n += s.bytes();
    return n;
}

bool LabelEditor::undo() {
    if (undo_.empty() || stroke_.active) return false;
    EditStep step = std::move(undo_.back());
    undo_.pop_back();
    auto& v = labels_.voxels();
    for (const auto& r : step.runs) std::fill(v.begin() + r.start, v.begin() + r.start + r.length, r.before);
    if (!step.runs.empty()) lastSlice_ = static_cast<int>(step.runs.front().start / (static_cast<std::size_t>(labels_.width()) * labels_.height()));
    redo_.push_back(std::move(step));
    return true;
}

bool LabelEditor::redo() {
    if (redo_.empty() || stroke_.active) return false;
    EditStep step = std::move(redo_.back());
    redo_.pop_back();
    auto& v = labels_.voxels();
    for (const auto& r : step.runs) std::fill(v.begin() + r.start, v.begin() + r.start + r.length, r.after);
    if (!step.runs.empty()) lastSlice_ = static_cast<int>(step.runs.front().start / (static_cast<std::size_t>(labels_.width()) * labels_.height()));
    undo_.push_back(std::move(step));
    enforceBudget();
    return true;
}

std::size_t LabelEditor::floodFill(int slice, int x, int y, Label label, const PaintRules& rules) {
    const int w = labels_.width(), h = labels_.height();
    if (slice < 0 || slice >= labels_.depth() || x < 0 || y < 0 || x >= w || y >= h) return 0;
    std::uint8_t* px = labels_.slicePointer(slice);
    const std::size_t offset = static_cast<std::size_t>(slice) * w * h;
    const std::uint8_t seedValue = px[static_cast<std::size_t>(y) * w + x];
    const std::uint8_t target = static_cast<std::uint8_t>(label);
    if (seedValue == target) return 0;
    // The region is the seed's connected component as it was before the fill.
    const std::vector<std::uint8_t> original(px, px + static_cast<std::size_t>(w) * h);
    std::vector<std::uint8_t> region(static_cast<std::size_t>(w) * h, 0);
    std::vector<int> stack{y * w + x};
    region[static_cast<std::size_t>(y) * w + x] = 1;
    std::vector<std::pair<std::uint32_t, std::pair<std::uint8_t, std::uint8_t>>> changes;
    while (!stack.empty()) {
        const int p = stack.back();
        stack.pop_back();
        const std::uint8_t next = paintedValue(px[p], target, false, rules, offset + static_cast<std::size_t>(p));
        if (next != px[p]) {
            changes.push_back({static_cast<std::uint32_t>(offset + static_cast<std::size_t>(p)), {px[p], next}});
            px[p] = next;
        }
        const int cx = p % w, cy = p / w;
        const int nb[4] = {cx > 0 ? p - 1 : -1, cx + 1 < w ? p + 1 : -1, cy > 0 ? p - w : -1, cy + 1 < h ? p + w : -1};
        for (int q : nb) {
            if (q < 0 || region[static_cast<std::size_t>(q)] || original[static_cast<std::size_t>(q)] != seedValue) continue;
            region[static_cast<std::size_t>(q)] = 1;
            stack.push_back(q);
        }
    }
    EditStep step = compress(std::move(changes), std::string("fill ") + labelName(label));
    const std::size_t n = step.changedVoxels();
    lastSlice_ = slice;
    if (n > 0) record(std::move(step));
    return n;
}

std::size_t LabelEditor::removeSmallIslands(int slice, Label label, std::size_t minPixels) {
    const int w = labels_.width(), h = labels_.height();
    if (slice < 0 || slice >= labels_.depth()) return 0;
    std::uint8_t* px = labels_.slicePointer(slice);
    const std::uint8_t l = static_cast<std::uint8_t>(label);
    std::vector<std::uint8_t> fg(static_cast<std::size_t>(w) * h);
    for (std::size_t i = 0; i < fg.size(); ++i) fg[i] = px[i] == l;
    std::vector<std::size_t> sizes;
    const std::vector<int> id = connectedComponents(fg, w, h, sizes);
    const std::size_t offset = static_cast<std::size_t>(slice) * w * h;
    std::vector<std::pair<std::uint32_t, std::pair<std::uint8_t, std::uint8_t>>> changes;
    for (std::size_t i = 0; i < fg.size(); ++i) {
        if (!fg[i] || sizes[static_cast<std::size_t>(id[i])] >= minPixels) continue;
        changes.push_back({static_cast<std::uint32_t>(offset + i), {l, beneath(l)}});
        px[i] = beneath(l);
    }
    EditStep step = compress(std::move(changes), std::string("remove small ") + labelName(label) + " islands");
    const std::size_t n = step.changedVoxels();
    lastSlice_ = slice;
    if (n > 0) record(std::move(step));
    return n;
}

std::size_t LabelEditor::replaceSlice(int slice, const LabelSlice& labels, const std::string& description) {
    const int w = labels_.width(), h = labels_.height();
    if (slice < 0 || slice >= labels_.depth() || labels.width() != w || labels.height() != h) return 0;
    std::uint8_t* px = labels_.slicePointer(slice);
    const std::size_t offset = static_cast<std::size_t>(slice) * w * h;
    std::vector<std::pair<std::uint32_t, std::pair<std::uint8_t, std::uint8_t>>> changes;
    for (std::size_t i = 0; i < static_cast<std::size_t>(w) * h; ++i) {
        if (px[i] == labels.pixels()[i]) continue;
        changes.push_back({static_cast<std::uint32_t>(offset + i), {px[i], labels.pixels()[i]}});
        px[i] = labels.pixels()[i];
    }
    EditStep step = compress(std::move(changes), description);
    const std::size_t n = step.changedVoxels();
    lastSlice_ = slice;
    if (n > 0) record(std::move(step));
    return n;
}

std::size_t LabelEditor::replaceVolume(const LabelVolume& labels, const std::string& description) {
    if (labels.voxels().size() != labels_.voxels().size()) return 0;
    auto& v = labels_.voxels();
    std::vector<std::pair<std::uint32_t, std::pair<std::uint8_t, std::uint8_t>>> changes;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == labels.voxels()[i]) continue;
        changes.push_back({static_cast<std::uint32_t>(i), {v[i], labels.voxels()[i]}});
        v[i] = labels.voxels()[i];
    }
    EditStep step = compress(std::move(changes), description);
    const std::size_t n = step.changedVoxels();
    lastSlice_ = -1;
    if (n > 0) record(std::move(step));
    return n;
}

}  // namespace ctsw::mask
