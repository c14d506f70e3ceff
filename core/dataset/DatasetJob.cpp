#include "dataset/DatasetJob.h"

#include <filesystem>
#include <stdexcept>

#include "eval/Quality.h"
#include "gan/Engine.h"
#include "io/ImageFiles.h"
#include "io/IoError.h"

namespace fs = std::filesystem;

namespace ctsw::dataset {

gan::DatasetWriters fileWriters() {
    gan::DatasetWriters w;
    w.imageExtension = ".png";
    w.writeImage8 = [](const Slice<std::uint8_t>& s, const std::string& p) { writePng8(s, p); };
    w.writeNiftiImage = [](const Slice<float>& values, const Geometry& grid, const std::string& p) { writeNifti(sliceAsVolume(values, grid), p); };
    w.writeNiftiMask = [](const LabelSlice& l, const Geometry& grid, const std::string& p) { writeNiftiLabels(sliceAsVolume(l, grid), p); };
    return w;
}

DatasetJobResult runDatasetJob(const DatasetRequest& request, const JobContext& job) {
    if (request.model.empty()) throw std::invalid_argument("choose a trained model to synthesize with");
    if (request.out.empty()) throw std::invalid_argument("choose a folder for the dataset");
    if (request.minDice && request.judge.empty()) throw std::invalid_argument("leaving out suspect samples needs a judge (a seg-train model)");
    DatasetJobResult result;
    gan::DatasetOptions options = request.options;
    options.modelPath = fs::absolute(request.model).string();
    if (!request.secondModel.empty()) options.secondModelPath = fs::absolute(request.secondModel).string();
    // Checked before any work: a wrong layout name or an existing folder must not cost a lesion run.
    const std::string target = gan::datasetFolder(request.out, options.layout);
    if (fs::exists(target) && !options.overwrite) throw IoError(target, "already exists; choose another folder or allow replacing it");

    gan::Synthesizer synth(request.model, request.device, request.secondModel);
    if (!request.judge.empty()) options.assess = eval::judgeSamples(request.judge, request.model, request.minDice, 0, options.assessment);

    NullProgress noProgress;
    ProgressSink& progress = job.progress ? *job.progress : noProgress;
    std::vector<gan::MaskInput> masks = request.masks;
    double synthesisStart = 0;
    if (request.lesions) {
        const LesionRequest& l = *request.lesions;
        if (!l.ct) throw std::invalid_argument("lesions need an open CT");
        if (l.folder.empty()) throw std::invalid_argument("choose a folder for the lesion masks");
        SubProgress lesionProgress(progress, 0.0, 0.1);
        const JobContext lesionJob{&lesionProgress, job.cancel};
        result.lesions = writeLesionMaskSet(*l.ct, lesionLibrary(l.like), l.folder, l.options, lesionJob);
        masks.clear();
        for (std::size_t i = 0; i < result.lesions->maskFiles.size(); ++i) {
            const int z = result.lesions->maskSlices[i];
            gan::MaskInput input;
            input.source = result.lesions->maskFiles[i];
            input.labels = l.options.nifti ? extractSlice(readNiftiLabels(input.source, LabelMapping::parse("identity")), 0)
                                           : readMaskSlice(input.source, LabelMapping::parse("identity"));
            input.geometry = sliceGeometry(l.ct->geometry(), z);
            // The slice the lesions were placed on: a body_condition model follows its body outline.
            input.sourceSlice = extractSlice(*l.ct, z);
            input.sourceIsHu = l.options.valuesAreHu;
            masks.push_back(std::move(input));
        }
        synthesisStart = 0.1;
    }
    if (masks.empty()) throw std::invalid_argument("no mask to synthesize from");
    SubProgress exportProgress(progress, synthesisStart, 1.0);
    const JobContext exportJob{&exportProgress, job.cancel};
    result.dataset = gan::exportDataset(synth, masks, request.out, options, fileWriters(), exportJob);
    return result;
}

}  // namespace ctsw::dataset
