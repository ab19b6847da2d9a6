// The benchmark's reference: the same loops the managed benchmark runs, written against libtorch directly,
// in the same process and thread pool, so the difference between the two is the binding's overhead.
#include <chrono>
#include <ctime>

#include <ATen/CPUGeneratorImpl.h>

#include "guard.h"

using sst::guarded;

namespace {

// Wall-clock and process CPU time of one timed loop; CPU time is what the shared machine's load distorts least.
class LoopTimer {
 public:
  LoopTimer() : wall_start_(std::chrono::steady_clock::now()), cpu_start_(cpu_now()) {}

  void stop(double* wall_seconds, double* cpu_seconds) const {
    *wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
    *cpu_seconds = cpu_now() - cpu_start_;
  }

 private:
  static double cpu_now() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
  }

  std::chrono::steady_clock::time_point wall_start_;
  double cpu_start_;
};

}  // namespace

extern "C" {

// One iteration: y = conv2d(x, w, b, padding 1); y.sum().backward(); the weight's grads are reset to zero.
// Inputs come from a fixed seed; the managed benchmark builds the same shapes.
int sst_baseline_conv(int64_t channels, int64_t size, int iterations, double* wall_seconds, double* cpu_seconds) {
  return guarded(SST_FAIL, [&] {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
    const auto x = at::randn({1, channels, size, size}, generator, at::kFloat);
    const auto w = at::randn({channels, channels, 3, 3}, generator, at::kFloat).mul_(0.05).requires_grad_(true);
    const auto b = at::zeros({channels}, at::kFloat).requires_grad_(true);
    const LoopTimer timer;
    for (int i = 0; i < iterations; ++i) {
      const auto y = at::conv2d(x, w, b, {1, 1}, {1, 1}, {1, 1}, 1);
      y.sum().backward();
      w.mutable_grad().zero_();
      b.mutable_grad().zero_();
    }
    timer.stop(wall_seconds, cpu_seconds);
    return SST_OK;
  });
}

// One iteration: c = a + b on one-element tensors, the result released at the end of the iteration.
int sst_baseline_tiny_add(int iterations, double* wall_seconds, double* cpu_seconds) {
  return guarded(SST_FAIL, [&] {
    const auto a = at::ones({1}, at::kFloat);
    const auto b = at::ones({1}, at::kFloat);
    const LoopTimer timer;
    for (int i = 0; i < iterations; ++i) {
      const auto c = at::add(a, b);
      (void)c;
    }
    timer.stop(wall_seconds, cpu_seconds);
    return SST_OK;
  });
}

}  // extern "C"
