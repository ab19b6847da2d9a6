// Process-wide settings: version, threads, grad mode, devices, seeds, live-object counters, generators.
#include <torch/version.h>
#include <torch/cuda.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <omp.h>

#include "guard.h"

static_assert(TORCH_VERSION_MAJOR == SST_EXPECTED_TORCH_MAJOR && TORCH_VERSION_MINOR == SST_EXPECTED_TORCH_MINOR,
              "the shim is written against the libtorch version named in CMakeLists.txt (SST_TORCH_MAJOR/MINOR)");

namespace sst {

std::atomic<int64_t> live_tensors{0};
std::atomic<int64_t> live_modules{0};

namespace {
std::atomic<int> requested_threads{0};
std::atomic<int> thread_generation{0};
thread_local int seen_generation = 0;
// This thread's own count (sst_set_thread_num_threads), 0 when it follows the process-wide one.
thread_local int thread_threads = 0;
thread_local int thread_threads_before = 0;
thread_local bool thread_threads_applied = true;
}  // namespace

void apply_thread_count() noexcept {
  if (thread_threads > 0) {
    if (!thread_threads_applied) {
      // ATen sets a thread's OpenMP count lazily on its first parallel op; trigger that first so it cannot undo ours.
      thread_threads_before = at::get_num_threads();
      omp_set_num_threads(thread_threads);
      thread_threads_applied = true;
    }
    return;
  }
  if (!thread_threads_applied) {
    omp_set_num_threads(thread_threads_before);
    thread_threads_applied = true;
  }
  const int generation = thread_generation.load(std::memory_order_acquire);
  if (generation == seen_generation) return;
  seen_generation = generation;
  const int threads = requested_threads.load(std::memory_order_acquire);
  if (threads > 0) {
    try {
      at::set_num_threads(threads);
    } catch (...) {
      // the count was validated when it was set; nothing useful to report from here
    }
  }
}

}  // namespace sst

using sst::guarded;

extern "C" {

char* sst_version(void) {
  return guarded<char*>(nullptr, [] { return sst::copy_string(TORCH_VERSION); });
}

char* sst_parallel_info(void) {
  return guarded<char*>(nullptr, [] { return sst::copy_string(at::get_parallel_info()); });
}

int sst_set_num_threads(int threads) {
  return guarded(SST_FAIL, [&] {
    if (threads < 1) throw std::invalid_argument("thread count must be at least 1, got " + std::to_string(threads));
    at::set_num_threads(threads);
    sst::requested_threads.store(threads, std::memory_order_release);
    sst::seen_generation = sst::thread_generation.fetch_add(1, std::memory_order_acq_rel) + 1;
    return SST_OK;
  });
}

int sst_set_thread_num_threads(int threads) {
  return guarded(SST_FAIL, [&] {
    if (threads < 0) throw std::invalid_argument("thread count must be at least 0, got " + std::to_string(threads));
    if (threads == sst::thread_threads) return SST_OK;
    if (sst::thread_threads > 0 && threads > 0) {
      omp_set_num_threads(threads);  // keep the count from before the first override
    } else {
      sst::thread_threads_applied = false;
    }
    sst::thread_threads = threads;
    sst::apply_thread_count();
    return SST_OK;
  });
}

int sst_get_num_threads(void) {
  return guarded(SST_FAIL, [] { return at::get_num_threads(); });
}

int sst_grad_enabled(void) {
  return guarded(SST_FAIL, [] { return at::GradMode::is_enabled() ? 1 : 0; });
}

int sst_set_grad_enabled(int enabled) {
  return guarded(SST_FAIL, [&] {
    at::GradMode::set_enabled(enabled != 0);
    return SST_OK;
  });
}

int sst_cuda_is_available(void) {
  return guarded(SST_FAIL, [] { return torch::cuda::is_available() ? 1 : 0; });
}

int sst_cuda_device_count(void) {
  return guarded(SST_FAIL, [] { return static_cast<int>(torch::cuda::device_count()); });
}

int sst_manual_seed(uint64_t seed) {
  return guarded(SST_FAIL, [&] {
    torch::manual_seed(seed);
    return SST_OK;
  });
}

int64_t sst_live_tensors(void) { return sst::live_tensors.load(std::memory_order_relaxed); }

int64_t sst_live_modules(void) { return sst::live_modules.load(std::memory_order_relaxed); }

sst_generator sst_generator_new(uint64_t seed) {
  return guarded<sst_generator>(nullptr, [&] {
    auto* generator = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed));
    return reinterpret_cast<sst_generator>(generator);
  });
}

void sst_generator_free(sst_generator generator) {
  guarded(0, [&] {
    delete reinterpret_cast<at::Generator*>(generator);
    return 0;
  });
}

}  // extern "C"
