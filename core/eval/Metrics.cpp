#include "eval/Metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>

namespace ctsw::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;

bool inRange(std::uint8_t value, LabelRange region) { return value >= region.low && value <= region.high; }

double ratio(long numerator, long denominator) {
    return denominator == 0 ? kNaN : static_cast<double>(numerator) / static_cast<double>(denominator);
}

// Continued fraction of the regularized incomplete beta function,
//   I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * 1 / (1 + d1 / (1 + d2 / (1 + ...))),
//   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),   d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)),
// evaluated with the modified Lentz method. It converges quickly for x < (a+1)/(a+b+2).
double incompleteBetaFraction(double a, double b, double x) {
    constexpr double tiny = 1e-300;  // keeps the Lentz ratios away from division by zero
    constexpr double epsilon = 1e-16;
    double value = 1.0, c = 1.0, d = 0.0;
    for (int j = 1; j <= 1000; ++j) {
        const int m = j / 2;
        const double coefficient = (j % 2 == 1) ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                                : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
        d = 1.0 + coefficient * d;
        if (std::abs(d) < tiny) d = tiny;
        c = 1.0 + coefficient / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1.0 / d;
        const double delta = c * d;
        value *= delta;
        if (std::abs(delta - 1.0) < epsilon) break;
    }
    return 1.0 / value;
}

double regularizedIncompleteBeta(double a, double b, double x) {
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    // Use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction would converge slowly.
    if (x > (a + 1.0) / (a + b + 2.0)) return 1.0 - regularizedIncompleteBeta(b, a, 1.0 - x);
    const double logBeta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
    const double front = std::exp(a * std::log(x) + b * std::log1p(-x) - logBeta) / a;
    return front * incompleteBetaFraction(a, b, x);
}

// P(T > t) for t >= 0: half of I_{df/(df+t^2)}(df/2, 1/2). Working with the upper tail directly keeps
// full relative precision for p close to 0 or 1.
double studentUpperTail(double t, double df) { return 0.5 * regularizedIncompleteBeta(0.5 * df, 0.5, df / (df + t * t)); }

double studentDensity(double t, double df) {
    const double logNorm = std::lgamma(0.5 * (df + 1.0)) - std::lgamma(0.5 * df) - 0.5 * std::log(df * kPi);
    return std::exp(logNorm - 0.5 * (df + 1.0) * std::log1p(t * t / df));
}

// The t >= 0 whose upper tail is q (0 < q < 0.5): Newton steps kept inside a shrinking bracket,
// falling back to bisection whenever a step would leave it.
double upperTailQuantile(double q, double df) {
    double low = 0.0, high = 1.0;
    while (studentUpperTail(high, df) > q && high < 1e300) {
        low = high;
        high *= 2.0;
    }
    double t = 0.5 * (low + high);
    for (int iteration = 0; iteration < 200; ++iteration) {
        const double excess = studentUpperTail(t, df) - q;  // > 0: t is too small
        if (excess == 0.0) return t;
        if (excess > 0.0) low = t;
        else high = t;
        double next = t + excess / studentDensity(t, df);
        if (!(next > low && next < high)) next = 0.5 * (low + high);
        if (std::abs(next - t) <= 1e-14 * std::max(1.0, t)) return next;
        t = next;
    }
    return t;
}

double quantileFromConfidence(double confidence) {
    if (!(confidence > 0.0 && confidence < 1.0))
        throw std::invalid_argument("confidence must lie in (0, 1), got " + std::to_string(confidence));
    return 0.5 * (1.0 + confidence);
}

std::vector<double> withoutNaN(const std::vector<double>& values) {
    std::vector<double> kept;
    kept.reserve(values.size());
    for (double v : values)
        if (!std::isnan(v)) kept.push_back(v);
    return kept;
}

double mean(const std::vector<double>& values) {
    if (values.empty()) return kNaN;
    double sum = 0.0;
    for (double v : values) sum += v;
    return sum / static_cast<double>(values.size());
}

// Linear interpolation between order statistics (the "type 7" sample quantile) of sorted values.
double sortedQuantile(const std::vector<double>& sorted, double p) {
    const double position = p * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

DiceValue dice(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n, LabelRange region) {
    std::size_t intersection = 0, sizeSum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const bool inPrediction = inRange(prediction[i], region), inTruth = inRange(truth[i], region);
        intersection += inPrediction && inTruth;
        sizeSum += static_cast<std::size_t>(inPrediction) + static_cast<std::size_t>(inTruth);
    }
    if (sizeSum == 0) return {kNaN, false};
    return {2.0 * static_cast<double>(intersection) / static_cast<double>(sizeSum), true};
}

LabelDice labelDice(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n) {
    return {dice(prediction, truth, n, kLungField), dice(prediction, truth, n, 1), dice(prediction, truth, n, 2)};
}

void DiceAccumulator::add(const std::uint8_t* prediction, const std::uint8_t* truth, std::size_t n, LabelRange region) {
    for (std::size_t i = 0; i < n; ++i) {
        const bool inPrediction = inRange(prediction[i], region), inTruth = inRange(truth[i], region);
        intersection_ += inPrediction && inTruth;
        sizeSum_ += static_cast<std::uint64_t>(inPrediction) + static_cast<std::uint64_t>(inTruth);
    }
}

double DiceAccumulator::value() const {
    return sizeSum_ == 0 ? kNaN : 2.0 * static_cast<double>(intersection_) / static_cast<double>(sizeSum_);
}

void Confusion::add(bool predicted, bool truth) {
    if (predicted && truth) ++tp;
    else if (predicted) ++fp;
    else if (truth) ++fn;
    else ++tn;
}

double Confusion::sensitivity() const { return ratio(tp, tp + fn); }
double Confusion::specificity() const { return ratio(tn, tn + fp); }
double Confusion::accuracy() const { return ratio(tp + tn, tp + tn + fp + fn); }

double studentTQuantile(double p, int df) {
    if (df < 1) throw std::invalid_argument("Student's t needs at least 1 degree of freedom, got " + std::to_string(df));
    if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("a quantile needs p in (0, 1), got " + std::to_string(p));
    if (p == 0.5) return 0.0;
    // The distribution is symmetric: solve for the smaller tail, which p or 1 - p holds exactly.
    return p > 0.5 ? upperTailQuantile(1.0 - p, df) : -upperTailQuantile(p, df);
}

Interval tInterval(const std::vector<double>& values, double confidence) {
    const double p = quantileFromConfidence(confidence);
    const std::vector<double> kept = withoutNaN(values);
    const int n = static_cast<int>(kept.size());
    const double m = mean(kept);
    if (n < 2) return {m, m, m, n};
    double squares = 0.0;
    for (double v : kept) squares += (v - m) * (v - m);
    const double standardError = std::sqrt(squares / (n - 1)) / std::sqrt(static_cast<double>(n));
    const double halfWidth = studentTQuantile(p, n - 1) * standardError;
    return {m, m - halfWidth, m + halfWidth, n};
}

Interval pairedDifference(const std::vector<std::string>& idsA, const std::vector<double>& a, const std::vector<std::string>& idsB,
                          const std::vector<double>& b, double confidence) {
    if (idsA.size() != a.size() || idsB.size() != b.size())
        throw std::invalid_argument("pairedDifference: " + std::to_string(idsA.size()) + " ids for " + std::to_string(a.size()) + " values, " +
                                    std::to_string(idsB.size()) + " for " + std::to_string(b.size()));
    std::map<std::string, double> byId;
    for (std::size_t i = 0; i < idsB.size(); ++i) byId[idsB[i]] = b[i];
    std::vector<double> differences;
    for (std::size_t i = 0; i < idsA.size(); ++i) {
        const auto match = byId.find(idsA[i]);
        if (match != byId.end()) differences.push_back(a[i] - match->second);
    }
    return tInterval(differences, confidence);
}

Interval bootstrapInterval(const std::vector<double>& values, int resamples, std::uint64_t seed, double confidence) {
    const double p = quantileFromConfidence(confidence);
    if (resamples < 1) throw std::invalid_argument("bootstrap needs at least 1 resample, got " + std::to_string(resamples));
    const std::vector<double> kept = withoutNaN(values);
    const int n = static_cast<int>(kept.size());
    const double m = mean(kept);
    if (n < 2) return {m, m, m, n};
    // mt19937_64's sequence is fixed by the standard, unlike the distributions of <random>; the
    // modulo's bias (n / 2^64) is negligible.
    std::mt19937_64 generator(seed);
    std::vector<double> resampleMeans(static_cast<std::size_t>(resamples));
    for (double& resampleMean : resampleMeans) {
        double sum = 0.0;
        for (int i = 0; i < n; ++i) sum += kept[static_cast<std::size_t>(generator() % static_cast<std::uint64_t>(n))];
        resampleMean = sum / n;
    }
    std::sort(resampleMeans.begin(), resampleMeans.end());
    return {m, sortedQuantile(resampleMeans, 1.0 - p), sortedQuantile(resampleMeans, p), n};
}

}  // namespace ctsw::eval
