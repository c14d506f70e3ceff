#pragma once
// Editing of a label volume (0 background, 1 lung, 2 infection), one operation at a time, with
// undo/redo stored as run-length deltas under a memory budget (never whole-slice snapshots).
// Plain C++, no Qt: the workbench drives it from mouse events, tests drive it directly.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "image/Labels.h"
#include "image/Volume.h"

namespace ctsw::mask {

enum class Overwrite {
    ProtectOtherLabels,  // default: lung paint leaves infection alone; infection replaces only lung
    OverwriteAll,        // paint replaces whatever is there (still within the inside-lung rule)
};

struct PaintRules {
    bool infectionOnlyInsideLung = true;  // infection may only be painted where there is lung (or infection)
    Overwrite overwrite = Overwrite::ProtectOtherLabels;
    std::optional<std::pair<float, float>> intensityRange;  // threshold-limited brush: paint only where lo <= value <= hi
};

// One undoable step: the pixels it changed, as runs of consecutive voxel indices with one old and one
// new value each.
struct EditStep {
    struct Run {
        std::uint32_t start;
        std::uint32_t length;
        std::uint8_t before, after;
    };
    std::string description;
    std::vector<Run> runs;
    std::size_t bytes() const { return sizeof(EditStep) + runs.size() * sizeof(Run) + description.size(); }
    std::size_t changedVoxels() const;
};

class LabelEditor {
public:
    // `image` (may be null) supplies intensities for the threshold-limited brush; both must share a grid.
    LabelEditor(LabelVolume& labels, const CtVolume* image = nullptr);

    // --- strokes: paint (or erase) round stamps along a polyline; consecutive stamps are at most a
    // quarter of the radius apart, so a fast mouse leaves no gaps.
    void beginStroke(int slice, Label label, double radiusPixels, bool erase, const PaintRules& rules);
    void strokeTo(double x, double y);  // pixel coordinates of the slice; the first call stamps once
    // Ends the stroke; returns the number of voxels it changed (a step is recorded when > 0).
    std::size_t endStroke();
    bool inStroke() const { return stroke_.active; }

    // --- region operations, each one undo step; each returns the number of changed voxels.
    // Fills the 4-connected region of the seed's current label with `label` (within the rules).
    std::size_t floodFill(int slice, int x, int y, Label label, const PaintRules& rules);
    // Turns connected regions of `label` smaller than minPixels into what lies beneath (infection -> lung,
    // lung -> background).
    std::size_t removeSmallIslands(int slice, Label label, std::size_t minPixels);
    // Replaces a whole slice's labels (an automatic lung mask, an imported mask) as one step.
    std::size_t replaceSlice(int slice, const LabelSlice& labels, const std::string& description);
    // Replaces every slice for which `labels` is given (same grid) as one step.
    std::size_t replaceVolume(const LabelVolume& labels, const std::string& description);

    // --- undo / redo
    bool canUndo() const { return !undo_.empty(); }
    bool canRedo() const { return !redo_.empty(); }
    bool undo();
    bool redo();
    std::string undoDescription() const { return undo_.empty() ? std::string() : undo_.back().description; }
    std::size_t undoSteps() const { return undo_.size(); }
    std::size_t historyBytes() const;  // memory held by undo and redo steps
    std::size_t budgetBytes() const { return budget_; }
    // The oldest steps are dropped while the history exceeds the budget (the newest step is always kept).
    void setBudgetBytes(std::size_t bytes);

    // The slice each undo/redo touched last (for views to refresh).
    int lastTouchedSlice() const { return lastSlice_; }

private:
    struct Stroke {
        bool active = false;
        int slice = 0;
        std::uint8_t label = 0;
        double radius = 1;
        bool erase = false;
        PaintRules rules;
        bool hasLast = false;
        double lastX = 0, lastY = 0;
        std::vector<std::uint32_t> changed;       // voxel indices, in order of change
        std::vector<std::uint8_t> before;          // their values before the stroke
    };

    // What painting `label` (or erasing it) would make of a voxel whose value is `current`; returns
    // `current` when the rules forbid a change.
    std::uint8_t paintedValue(std::uint8_t current, std::uint8_t label, bool erase, const PaintRules& rules, std::size_t index) const;
    void stamp(double cx, double cy);
    void record(EditStep step);
    static EditStep compress(std::vector<std::pair<std::uint32_t, std::pair<std::uint8_t, std::uint8_t>>> changes, std::string description);
    void enforceBudget();

    LabelVolume& labels_;
    const CtVolume* image_;
    Stroke stroke_;
    std::deque<EditStep> undo_;
    std::vector<EditStep> redo_;
    std::size_t budget_ = 64u << 20;  // 64 MiB
    int lastSlice_ = -1;
};

}  // namespace ctsw::mask
