// `cosingan`: the headless command-line tool. Composition only; the work is in core/.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "Args.h"
#include "Commands.h"
#include "io/IoError.h"

namespace {

const char* kUsageHeader =
    "cosingan - CT Synthesis Workbench command-line tool\n"
    "\n"
    "Usage:\n"
    ;

#ifndef CTSW_ENGINE_ONLY
const char* kUsageFull =
    "  cosingan info PATH [--json]\n"
    "      Describe a DICOM folder or file, a NIfTI volume, or a 2D image (PNG, JPEG, NPY):\n"
    "      series, slices, size, spacing, origin, direction, HU range and warnings.\n"
    "      --json prints one JSON object with a \"series\" array and a \"skipped\" array.\n"
    "  cosingan convert INPUT OUTPUT [--series ID] [--slice K] [--window NAME|W/L] [--orient O]\n"
    "                   [--mask MAPPING [--reference IMAGE]]\n"
    "      Convert a DICOM folder, NIfTI or 2D image to NIfTI (.nii, .nii.gz), PNG (.png) or NPY\n"
    "      (.npy, one float32 slice), chosen by OUTPUT's extension. --series picks one series\n"
    "      (id or UID from `info`), --slice K writes slice K only (PNG and NPY need one slice).\n"
    "      PNG images are windowed to 8 bit with --window (lung W1500/L-600 by default;\n"
    "      mediastinum, bone, or W/L).\n"
    "      --mask MAPPING reads INPUT as a mask and maps its values to the product's labels\n"
    "      (0 background, 1 lung, 2 infection). MAPPING is one of identity, lung-left-right,\n"
    "      binary-lung, binary-infection, ggo-consolidation, or a table such as 0:0,1:1,2:1.\n"
    "      --reference IMAGE checks that the mask has the size of that image.\n"
    "      --orient none|flip-x|flip-y|rot90|rot180|rot270 turns a 2D image or mask (clockwise)\n"
    "      into radiological display: COVID-19-CT-Seg slices need flip-y, MedSeg JPEGs rot90. NIfTI\n"
    "      and DICOM are oriented by their geometry; --orient on them is refused.\n"
    "  cosingan lung-mask --image IMG --out MASK [--slice K] [--orient O] [--threshold T]\n"
    "                     [--keep-border] [--infection MASK [--mapping M]]\n"
    "      Derive a lung mask automatically (threshold, air outside the body removed, the largest\n"
    "      components kept, holes filled); --infection merges an infection mask (label 2). The lung\n"
    "      is derived, not drawn by a radiologist, and the output says so.\n"
    "  cosingan lesions --image CT --like MASK... --out DIR [--slices A:B] [--count N] [--burden LO:HI]\n"
    "                   [--peripheral] [--seed S] [--layout png|nifti] [--like-mapping M] [--series ID]\n"
    "                   [--min-lung F] [--overwrite]\n"
    "      Infection masks for slices without infection. The lung is derived on each slice (A:B, 0-based,\n"
    "      inclusive; a slice whose lung is under F of it, default 0.01, is skipped). Lesions cut from the\n"
    "      --like masks (0/1/2 mask files, folders of them, or MedSeg folders, whose lung is derived) are\n"
    "      rotated, mirrored, scaled to the lung and placed in it until a burden drawn from LO:HI (the\n"
    "      infected fraction of the lung; default: the --like masks' 10th-90th percentile) is reached.\n"
    "      --peripheral favours peripheral, posterior lung, as COVID-19 does. N masks per slice and\n"
    "      manifest.json/csv; NIfTI masks keep the slice's geometry.\n"
    "  cosingan seg-train --train DIR_OR_MANIFEST --out MODEL [--arch unet|enet] [--size 256] [--recipe cpu|paper]\n"
    "                     [--epochs N] [--batch B] [--width W] [--lr X] [--schedule paper|cosine] [--loss ce|dice-ce]\n"
    "                     [--weak-augment|--strong-augment] [--no-intensity-augment] [--validate DIR [--validate-every N]]\n"
    "                     [--seed S] [--threads N] [--precision auto|fp32|bf16] [--overwrite]\n"
    "      Train a 3-class segmentation network (background, lung, infection) from scratch on a MedSeg-layout\n"
    "      folder (Imgs/*.jpg + GT_multiclass/*.png; the lung label is derived automatically) or an exported\n"
    "      dataset's manifest.json. --recipe cpu (default): width 0.25, 120 epochs, Adam 5e-4 cosine, Dice +\n"
    "      cross entropy, random windows; paper: section 3.3's. --validate scores real slices as it trains and\n"
    "      records the curve and the final DSC in model.json. A checkpoint every minute lets a stopped run\n"
    "      continue: the same command on the same --out resumes it (other settings start afresh).\n"
    "      --precision auto (default) trains the U-Net in bf16 autocast where the CPU has AMX-BF16\n"
    "      or AVX512-BF16 (2-3x faster there; `cosingan device` says which), fp32 elsewhere; ENet\n"
    "      stays fp32.\n"
    "  cosingan seg-eval --model MODEL --test DIR_OR_MANIFEST [--at own|model] [--out DIR] [--json]\n"
    "      DSC per class: mean over test slices with a 95% confidence interval (Student's t), pooled\n"
    "      over all pixels, and per slice. Lung is the lung field (lung and infection labels together,\n"
    "      as the paper scores it; lung_parenchyma is the lung label alone); the padding that made a\n"
    "      slice square is not scored. --json prints {\"dice\": {\"lung\", \"infection\",\n"
    "      \"lung_parenchyma\"}, \"per_slice\", ...}.\n"
    "  cosingan experiment --data DIR --out REPORT_DIR [--protocol paper|smoke] [--budget fast|full]\n"
    "                      [--size 256] [--slices A,B] [--seed S] [--threads N] [--device D]\n"
    "                      [--precision auto|fp32|bf16]\n"
    "      The paper's evaluation on shared/data's layout (or --train, --test, --negatives-train and\n"
    "      --negatives-test): CoSinGAN, pix2pix and enhanced pix2pix of two slices, the training sets\n"
    "      Sin-TS, Two-TS, O-STS, RC-STS, IF-STS, OC-TS, U-Net/ENet and ResNet18/50 trained on each and\n"
    "      tested on real slices, and the image-quality score. Writes report.md, results.csv,\n"
    "      config.json, plots/ and models/; a stopped run continues where it stopped. --budget fast\n"
    "      (the fast preset, converged segmenters) takes 80 minutes on 2 CPU cores at 256 px with\n"
    "      bf16 U-Nets (AVX512-BF16 or AMX), about 2 hours without;\n"
    "      smoke runs the whole pipeline in minutes.\n"
    "  cosingan quality --model MODEL [--judge SEG_MODEL] [--masks DIR | --mask-list FILE | --mask MASK]\n"
    "                   [--mapping M] [--count N] [--seed S] [--out DIR] [--json] [--precision auto|fp32|bf16]\n"
    "                   [--image IMG [--slice K] [--series ID] | --images DIR]\n"
    "      How good a model is: its training slice synthesized from its own mask against the real one\n"
    "      (SSIM whole and inside the body, PSNR, mean absolute error per label in HU or grey levels),\n"
    "      a lesion painted into healthy lung against the real infection, the spread across seeds, the\n"
    "      detail (texture) of lung, infection and body in samples of the given masks against the real\n"
    "      slice's (at the top size and at every scale), and with --judge a segmentation model's DSC on\n"
    "      those samples with a flag per sample. --out writes quality.json, quality-grid.png and\n"
    "      quality-scales.png (every scale's output for the training mask and the first given mask).\n"
    "      --image and --images give the given masks' source slices as for synthesize: a model trained\n"
    "      with body_condition then takes each patient's outline from them (each sample says which).\n"
    "      --precision: the synthesis arithmetic, as for synthesize (the report names it).\n"
    ;
#else
const char* kUsageFull =
    "  (info, convert and lung-mask need the full build; this engine-only build reads NPY slices\n"
    "  and masks, and writes 8-bit PGM images instead of PNG, and no NIfTI)\n";
#endif

const char* kUsageEngine =
    "  cosingan train --image IMG --mask MASK --out MODEL_DIR [--preset fast|standard|paper|smoke] [--config JSON]\n"
    "                 [--seed S] [--slice K] [--series ID] [--mapping M] [--orient O] [--events jsonl]\n"
    "                 [--device auto|cpu|cuda] [--threads N] [--precision auto|fp32|bf16]\n"
    "  cosingan train --resume --out MODEL_DIR [--events jsonl] [--device D] [--threads N] [--precision P]\n"
    "      Learn CoSinGAN from one slice and its mask (0 background, 1 lung, 2 infection; other\n"
    "      encodings through --mapping as in convert). IMG may be a DICOM folder or NIfTI with\n"
    "      --slice K. Presets: fast (about 20 min on 2 CPU cores, top scale 256), paper (the\n"
    "      paper's schedule, 9 scales to 512: a GPU job), smoke (seconds). --config overrides any\n"
    "      value (docs/cosingan.md lists the keys). --events jsonl prints one JSON event per line.\n"
    "      SIGINT/SIGTERM stop after the current iteration with a checkpoint; --resume continues.\n"
    "      --precision bf16 trains the CPU scales from 128 px in bf16 autocast (the losses in fp32);\n"
    "      auto and fp32 train in fp32 (bf16 saved 2% of a fast training on AMX; `cosingan device`\n"
    "      names this CPU's path).\n"
    "  cosingan synthesize --model MODEL_DIR (--mask MASK | --masks DIR | --mask-list FILE) --out DIR\n"
    "                      [--count N] [--seed S] [--no-rc] [--dropout] [--model2 MODEL_DIR [--alpha A]]\n"
    "                      [--rc-magnitudes B,L,I] [--mapping M] [--device D] [--threads N] [--overwrite]\n"
    "                      [--judge SEG_MODEL [--min-dice X]] [--layout product|nnunet|monai [--dataset-id N] [--name NAME]]\n"
    "                      [--image IMG [--slice K] [--series ID] | --images DIR] [--precision auto|fp32|bf16]\n"
    "      Synthesize N slices per mask: images/ and masks/ (PNG), nifti/ (HU and labels), and\n"
    "      manifest.json / manifest.csv. --layout nnunet writes nnU-Net v2's raw layout into\n"
    "      OUT/DatasetNNN_NAME (imagesTr/, labelsTr/, dataset.json; id 501 and name CoSinGAN unless\n"
    "      given), --layout monai images/, labels/ and datalist.json. NIfTI masks give the samples\n"
    "      their slice's spacing and position. Randomized condition is on unless --no-rc; --dropout\n"
    "      turns on test-time dropout; --model2 fuses two models (alpha uniform in [0, 1] or --alpha).\n"
    "      --rc-magnitudes sets the condition noise on the 0-255 label scale (paper: 16,16,32).\n"
    "      --judge checks each sample with a segmentation model (cosingan seg-train): its DSC, value\n"
    "      statistics and an ok/suspect flag go into the manifests; --min-dice X leaves out samples\n"
    "      below X (counted and named in manifest.json). --image gives the masks' source slice (same\n"
    "      size): a model trained with body_condition takes the patient's outline from it; without it\n"
    "      that outline is estimated from the lungs, and the output and manifest.json say so. A folder\n"
    "      of masks that `cosingan lesions` wrote names its CT in its manifest: that is the default.\n"
    "      --image VOLUME without --slice: each NIfTI mask's own slice, found by its grid. --images DIR:\n"
    "      each mask's image of the same name in DIR (29.png -> DIR/29.jpg), for masks of many slices.\n"
    "      --precision auto (default) runs the CPU scales from 128 px in bf16 autocast where the CPU\n"
    "      has bf16 kernels (AMX-BF16 or AVX512-BF16: 1.7x faster, within a grey level of fp32), fp32\n"
    "      elsewhere; fp32 and bf16 force one. manifest.json records it.\n"
    "  cosingan device [--json] [--threads N]\n"
    "      Say which device training and synthesis will use: LibTorch version, CUDA or CPU (with\n"
    "      threads), and each GPU the driver sees with its name and total and free memory.\n"
    "\n"
    "";

// `cosingan batch` (BatchCommand.cpp), kept apart so that commands added above merge cleanly.
const char* kUsageBatch =
    "  cosingan batch submit PLAN --out RUN_DIR [--gpu] [--cpus N] [--partition P] [--mem M]\n"
    "                        [--account A] [--time-train T] [--time-synthesize T] [--max-parallel K]\n"
    "                        [--masks-per-task N] [--dry-run]\n"
    "  cosingan batch status RUN_DIR [--json]\n"
    "  cosingan batch merge RUN_DIR [--out DATASET] [--partial] [--overwrite] [--copy]\n"
    "                       [--layout product|nnunet|monai [--dataset-id N] [--name NAME]]\n"
    "  cosingan batch resubmit RUN_DIR [--dry-run] [--force]\n"
    "      Run a plan (JSON: training slices, masks to synthesize from) on a SLURM cluster: one\n"
    "      training task per slice (sbatch --array), then, once all succeeded (--dependency=afterok),\n"
    "      one synthesis task per model and group of masks, each writing its own part folder.\n"
    "      --gpu asks each task for a GPU (--gres=gpu:1, --device cuda); --cpus N sets --cpus-per-task\n"
    "      and --threads. merge checks every part (its manifest and every file it lists), reports\n"
    "      missing and failed tasks, and writes one dataset (RUN_DIR/dataset by default); resubmit\n"
    "      submits only the tasks that are not done. --dry-run writes the run and its scripts without\n"
    "      submitting. The array tasks run `cosingan batch task RUN_DIR train|synthesize INDEX`.\n"
    "  cosingan --help | --version\n"
    "\n"
    "Exit codes: 0 success, 1 bad input (the message names the file), 2 internal error.\n";

std::string usage() { return std::string(kUsageHeader) + kUsageFull + kUsageEngine + kUsageBatch; }

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(usage().c_str(), args.empty() ? stderr : stdout);
        return args.empty() ? ctsw::cli::kBadInput : ctsw::cli::kOk;
    }
    if (args[0] == "--version") { std::printf("cosingan %s\n", CTSW_VERSION); return ctsw::cli::kOk; }
    const std::string command = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : rest)
        if (a == "--help" || a == "-h") { std::fputs(usage().c_str(), stdout); return ctsw::cli::kOk; }
    try {
#ifndef CTSW_ENGINE_ONLY
        if (command == "info") return ctsw::cli::runInfo(rest);
        if (command == "convert") return ctsw::cli::runConvert(rest);
        if (command == "lung-mask") return ctsw::cli::runLungMask(rest);
        if (command == "lesions") return ctsw::cli::runLesions(rest);
        if (command == "seg-train") return ctsw::cli::runSegTrain(rest);
        if (command == "seg-eval") return ctsw::cli::runSegEval(rest);
        if (command == "experiment") return ctsw::cli::runExperiment(rest);
        if (command == "quality") return ctsw::cli::runQuality(rest);
#endif
        if (command == "batch") return ctsw::cli::runBatch(rest);
        if (command == "train") return ctsw::cli::runTrain(rest);
        if (command == "synthesize") return ctsw::cli::runSynthesize(rest);
        if (command == "device") return ctsw::cli::runDevice(rest);
        std::fprintf(stderr, "cosingan: unknown command \"%s\"\n\n%s", command.c_str(), usage().c_str());
        return ctsw::cli::kBadInput;
    } catch (const ctsw::cli::UsageError& e) {
        std::fprintf(stderr, "cosingan %s: %s (see cosingan --help)\n", command.c_str(), e.what());
        return ctsw::cli::kBadInput;
    } catch (const ctsw::IoError& e) {
        std::fprintf(stderr, "cosingan %s: %s\n", command.c_str(), e.what());
        return ctsw::cli::kBadInput;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "cosingan %s: %s\n", command.c_str(), e.what());
        return ctsw::cli::kBadInput;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cosingan %s: internal error: %s\n", command.c_str(), e.what());
        return ctsw::cli::kInternalError;
    }
}
