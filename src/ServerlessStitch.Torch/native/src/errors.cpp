// Per-thread error slot, string hand-over, and the argument conversions every export shares.
#include <cstdlib>
#include <cstring>

#include "guard.h"

namespace sst {
namespace {

thread_local std::string last_error;
thread_local bool has_error = false;

// libtorch appends a C++ backtrace ("Exception raised from ...", "frame #0: ...") that means nothing
// to a .NET caller; the message before it is the useful part.
std::string without_backtrace(const char* message) {
  std::string text = message == nullptr ? "unknown native exception" : message;
  for (const char* marker : {"\nException raised from ", "Exception raised from ", "\nframe #0"}) {
    const auto cut = text.find(marker);
    if (cut != std::string::npos) text.erase(cut);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? std::string("native error without a message") : text;
}

}  // namespace

void set_error(const char* message) noexcept {
  try {
    last_error = without_backtrace(message);
  } catch (...) {
    last_error.clear();  // out of memory while formatting: the managed side reports a generic failure
  }
  has_error = true;
}

char* copy_string(const std::string& text) {
  auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

at::ScalarType scalar_type_of(int dtype) {
  switch (static_cast<at::ScalarType>(dtype)) {
    case at::kByte: case at::kChar: case at::kShort: case at::kInt: case at::kLong:
    case at::kHalf: case at::kFloat: case at::kDouble: case at::kBool: case at::kBFloat16:
      return static_cast<at::ScalarType>(dtype);
    default:
      throw std::invalid_argument("unsupported dtype code " + std::to_string(dtype));
  }
}

c10::Device device_of(int device_type, int device_index) {
  if (device_type != static_cast<int>(c10::DeviceType::CPU) && device_type != static_cast<int>(c10::DeviceType::CUDA))
    throw std::invalid_argument("unsupported device type code " + std::to_string(device_type));
  if (device_index < -1 || device_index > 127) throw std::invalid_argument("device index out of range");
  return c10::Device(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index));
}

}  // namespace sst

extern "C" {

char* sst_error_take(void) {
  if (!sst::has_error) return nullptr;
  sst::has_error = false;
  try {
    return sst::copy_string(sst::last_error.empty() ? "native error (message lost: out of memory)" : sst::last_error);
  } catch (...) {
    return nullptr;
  }
}

void sst_string_free(char* text) { std::free(text); }

void sst_buffer_free(void* data) { std::free(data); }

}  // extern "C"
