#pragma once
// Metrics and statistics for evaluating networks trained on synthesized data: Dice per label,
// pooled Dice, a binary confusion matrix, Student's t quantiles and confidence intervals of a mean.
// Plain C++17 (no LibTorch, no Qt) so that reports and tests can use it anywhere.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ctsw::eval {

// Dice similarity coefficient of one label, 2|P∩T| / (|P| + |T|).
// When the label is absent from both prediction and truth the DSC is 0/0, undefined: `defined` is
// false and `dice` is NaN. Such slices must be excluded from per-slice means (tInterval and
// bootstrapInterval skip NaN values for that reason); counting them as 1 or 0 would bias the mean
// by the number of empty slices.
struct DiceValue {
    double dice;
    bool defined;
};
// The labels a DSC counts as one region: a single label, or several.
struct LabelRange {
    std::uint8_t low, high;  // inclusive
};
// The lung field: lung and infection together. Lung segmentation counts the lesions as lung, as the
// paper's lung DSC and COVID-19-CT-Seg's lung masks do; the lung label alone (1) is what is left of the
// lung outside the infection, which on a heavily infected slice is a few slivers whose DSC says more
// about the infection's outline (already scored as infection) than about the lung.
inline constexpr LabelRange kLungField{1, 2};
// How reports name that definition.
inline constexpr const char* kLungDefinition = "lung field: the lung and infection labels together, as lung segmentation and the paper score the lung; "
                                               "lung_parenchyma: the lung label alone (the lung outside the infection)";
// `prediction` and `truth` are label maps of n pixels.
DiceValue dice(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n, LabelRange region);
inline DiceValue dice(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n, std::uint8_t label) {
    return dice(prediction, truth, n, LabelRange{label, label});
}

// The DSCs the product reports for one label map against its truth: the lung field, the lung label
// alone and the infection.
struct LabelDice {
    DiceValue lung, lungParenchyma, infection;
};
LabelDice labelDice(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n);

// Pooled (global) Dice over many slices: intersections and sizes are summed before dividing, so a
// slice weighs by its number of label pixels, unlike the mean of per-slice values.
class DiceAccumulator {
public:
    void add(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n, LabelRange region);
    void add(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n, std::uint8_t label) { add(prediction, truth, n, LabelRange{label, label}); }
    // NaN while the label has been absent from everything added (or nothing was added).
    double value() const;

private:
    std::uint64_t intersection_ = 0;
    std::uint64_t sizeSum_ = 0;  // |P| + |T| over all slices
};

// Binary confusion matrix (e.g. infection present in an image or not).
struct Confusion {
    long tp = 0, fp = 0, tn = 0, fn = 0;
    void add(bool predicted, bool truth);
    // Each is NaN when its denominator is 0.
    double sensitivity() const;  // tp / (tp + fn)
    double specificity() const;  // tn / (tn + fp)
    double accuracy() const;     // (tp + tn) / all
};

// Quantile (inverse CDF) of Student's t distribution with df >= 1 degrees of freedom at p in (0, 1),
// accurate to better than 1e-6. Throws std::invalid_argument outside that domain.
double studentTQuantile(double p, int df);

// A mean with a two-sided confidence interval, and the number of values it was computed from.
struct Interval {
    double mean, low, high;
    int n;
};

// Confidence interval of the mean by Student's t with n-1 degrees of freedom. NaN values (undefined
// Dice) are ignored; with fewer than 2 values, low = high = mean (NaN when there is none).
Interval tInterval(const std::vector<double>& values, double confidence = 0.95);

// Percentile bootstrap of the mean, for comparison with tInterval: `resamples` resamples with
// replacement drawn from a generator seeded with `seed`, so the result is the same for the same seed
// on every platform. NaN values are ignored; fewer than 2 values behave as in tInterval.
Interval bootstrapInterval(const std::vector<double>& values, int resamples, std::uint64_t seed, double confidence = 0.95);

// Paired comparison of two networks scored on the same test items: the differences a - b of the
// values whose ids match (ids in only one list are left out), their mean and Student's t interval;
// n is the number of matched items. Two training sets compared on the same test slices differ by
// less than their two intervals suggest; the paired interval is the test for "better".
// Throws std::invalid_argument when a list's ids and values differ in length.
Interval pairedDifference(const std::vector<std::string>& idsA, const std::vector<double>& a, const std::vector<std::string>& idsB,
                          const std::vector<double>& b, double confidence = 0.95);

}  // namespace ctsw::eval
