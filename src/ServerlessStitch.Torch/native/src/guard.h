// Internal helpers of the shim: the exception guard every export runs inside, and handle conversions.
#pragma once
#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "pch.h"
#include "sst.h"

namespace sst {

// Records the failure message for the calling thread; never throws.
void set_error(const char* message) noexcept;

// libtorch's OpenMP thread count is a per-OS-thread setting: a count set on one .NET thread would be
// ignored by threads that already ran an op. Every export re-applies the latest count when it changed.
void apply_thread_count() noexcept;

extern std::atomic<int64_t> live_tensors;
extern std::atomic<int64_t> live_modules;

// Runs body and converts any exception into the thread's error message and the failure value.
template <class Result, class Body>
Result guarded(Result failure, Body&& body) noexcept {
  try {
    apply_thread_count();
    return body();
  } catch (const c10::Error& error) {
    set_error(error.what_without_backtrace());
  } catch (const std::exception& error) {
    set_error(error.what());
  } catch (...) {
    set_error("unknown native exception");
  }
  return failure;
}

inline sst_tensor wrap(at::Tensor tensor) {
  if (!tensor.defined()) throw std::runtime_error("operation returned an undefined tensor");
  auto* owned = new at::Tensor(std::move(tensor));
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return reinterpret_cast<sst_tensor>(owned);
}

inline at::Tensor& unwrap(sst_tensor handle) {
  if (handle == nullptr) throw std::invalid_argument("null tensor handle");
  return *reinterpret_cast<at::Tensor*>(handle);
}

inline at::IntArrayRef dims_of(const int64_t* values, int count) {
  if (count < 0 || (count > 0 && values == nullptr)) throw std::invalid_argument("invalid dimension list");
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

at::ScalarType scalar_type_of(int dtype);
c10::Device device_of(int device_type, int device_index);

// Hands a string to the managed side, which frees it with sst_string_free.
char* copy_string(const std::string& text);

}  // namespace sst
