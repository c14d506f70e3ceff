#pragma once
// The slice each mask was drawn on, for `synthesize` and `quality`: a body_condition model takes the
// patient's body outline from it instead of estimating it from the lungs. Where it comes from, in
// this order:
// - --images DIR: each mask's image of the same name in DIR ("29.png" -> DIR/29.jpg), for a folder of
//   2D masks from different slices;
// - --image VOLUME without --slice (full build): each NIfTI mask's own slice, found by its grid;
// - --image IMG [--slice K]: one slice for every mask;
// - nothing given and --masks is a folder `cosingan lesions` wrote: the CT its manifest records.
#include <memory>
#include <optional>
#include <string>

#include "Args.h"
#include "SliceFiles.h"
#include "io/MaskLists.h"

namespace ctsw::cli {

struct MaskSourceOptions {
    std::string image, images, series, orientation, masksFolder;
    int slice = -1;
};
// From --image, --images, --series, --slice, --orient and --masks.
MaskSourceOptions maskSourceOptions(const Args& args);

class MaskSources {
public:
    // Reads the one slice or the volume now; IoError naming the file when it cannot be read.
    explicit MaskSources(const MaskSourceOptions& options);
    ~MaskSources();
    MaskSources(const MaskSources&) = delete;
    MaskSources& operator=(const MaskSources&) = delete;

    // The size every mask must have when one slice serves them all (0 x 0 otherwise), for readInputMask.
    int expectWidth() const;
    int expectHeight() const;
    // The source of one mask (empty when none was given). IoError naming the mask when it has no image
    // in --images, lies on no slice of the volume, or differs in size from its image.
    std::optional<InputSlice> forMask(const std::string& maskPath, const LabelSlice& labels, const std::optional<Geometry>& grid) const;

private:
    struct Volume;
    MaskSourceOptions options_;
    SliceFilesByStem images_;  // --images, listed once
    std::optional<InputSlice> single_;
    std::unique_ptr<Volume> volume_;
};

}  // namespace ctsw::cli
