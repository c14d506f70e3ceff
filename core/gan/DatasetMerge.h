#pragma once
// Checks and merges dataset folders written by exportDataset (`cosingan synthesize`), for example the
// parts that the tasks of a cluster job array wrote. Checking reads each part's manifest.json and
// confirms that it lists the expected number of samples and that every file it names exists. Merging
// writes one dataset folder in the same format: the samples renumbered in part order (hard links when
// the parts are on the same file system, copies otherwise), one manifest.json and manifest.csv. Like
// the export it writes into a hidden sibling folder that is renamed at the end, so a failed merge
// leaves nothing under the requested name. Needs only the JSON value and the standard library.
#include <string>
#include <vector>

#include "gan/DatasetExport.h"
#include "json/Json.h"

namespace ctsw::gan {

struct DatasetPart {
    std::string name;                 // shown in reports and recorded per sample, e.g. "synth-0003"
    std::string folder;               // the part's dataset folder
    int expectedSamples = -1;         // < 0: any number
    Json sampleInfo = Json::object(); // keys added to each of its samples, e.g. {"model_name": "slice10"}
};

struct PartCheck {
    std::string name, folder;
    enum class State { Complete, Missing, Unreadable, Incomplete } state = State::Missing;
    std::string detail;                     // why it is not complete, in words
    std::vector<std::string> missingFiles;  // relative to the part folder
    int samples = 0;                        // samples its manifest lists
    bool complete() const { return state == State::Complete; }
};

// Never throws for a broken part: the problem is described in its PartCheck.
PartCheck checkPart(const DatasetPart& part);

struct MergeOptions {
    bool overwrite = false;     // replace an existing output folder
    bool copy = false;          // copy files even where hard links are possible
    Json info = Json::object(); // keys added to the merged manifest (e.g. the run it came from)
    DatasetLayout layout;       // nnunet / monai: the parts' NIfTI pairs, renamed, with the layout's index
};

struct MergeResult {
    std::string folder;
    int samples = 0;
    int parts = 0;
    int copiedFiles = 0, linkedFiles = 0;
};

// Merges parts that checkPart found complete into `folder` (OUT/DatasetNNN_NAME for nnunet, as datasetFolder) (the caller decides what to do about the others; a part
// that is not complete makes this throw). Throws std::runtime_error naming the folder or file.
MergeResult mergeParts(const std::vector<DatasetPart>& parts, const std::string& folder, const MergeOptions& options);

}  // namespace ctsw::gan
