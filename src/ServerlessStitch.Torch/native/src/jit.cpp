// TorchScript modules: load, save, call methods with tensor arguments, parameters, train/eval, deep copy.
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "guard.h"

using sst::guarded;
using sst::unwrap;
using sst::wrap;
using Module = torch::jit::Module;

namespace {

Module& module_of(sst_module handle) {
  if (handle == nullptr) throw std::invalid_argument("null module handle");
  return *reinterpret_cast<Module*>(handle);
}

sst_module own(Module module) {
  auto* owned = new Module(std::move(module));
  sst::live_modules.fetch_add(1, std::memory_order_relaxed);
  return reinterpret_cast<sst_module>(owned);
}

// -1 as device type means "where the file says", like torch.jit.load without map_location.
c10::optional<c10::Device> map_location(int device_type, int device_index) {
  if (device_type < 0) return c10::nullopt;
  return sst::device_of(device_type, device_index);
}

std::vector<at::Tensor> tensors_in(const c10::IValue& result, const std::string& method) {
  if (result.isTensor()) return {result.toTensor()};
  std::vector<at::Tensor> tensors;
  auto add_all = [&](c10::ArrayRef<c10::IValue> items) {
    for (const auto& item : items) {
      if (!item.isTensor())
        throw std::runtime_error("method '" + method + "' returned a " + result.tagKind() + " holding a " +
                                 item.tagKind() + "; only tensors and tuples or lists of tensors are supported");
      tensors.push_back(item.toTensor());
    }
  };
  if (result.isTuple()) {
    add_all(result.toTupleRef().elements());
  } else if (result.isList()) {
    const auto list = result.toListRef();
    add_all(c10::ArrayRef<c10::IValue>(list.data(), list.size()));
  } else {
    throw std::runtime_error("method '" + method + "' returned a " + result.tagKind() +
                             "; only tensors and tuples or lists of tensors are supported");
  }
  return tensors;
}

}  // namespace

extern "C" {

sst_module sst_module_load_file(const char* path, int device_type, int device_index) {
  return guarded<sst_module>(nullptr, [&] {
    if (path == nullptr) throw std::invalid_argument("null path");
    return own(torch::jit::load(std::string(path), map_location(device_type, device_index)));
  });
}

sst_module sst_module_load_bytes(const void* data, int64_t length, int device_type, int device_index) {
  return guarded<sst_module>(nullptr, [&] {
    if (data == nullptr || length <= 0) throw std::invalid_argument("empty module data");
    std::istringstream stream(std::string(static_cast<const char*>(data), static_cast<size_t>(length)));
    return own(torch::jit::load(stream, map_location(device_type, device_index)));
  });
}

void sst_module_free(sst_module module) {
  guarded(0, [&] {
    if (module == nullptr) return 0;
    delete reinterpret_cast<Module*>(module);
    sst::live_modules.fetch_sub(1, std::memory_order_relaxed);
    return 0;
  });
}

int sst_module_save_file(sst_module module, const char* path) {
  return guarded(SST_FAIL, [&] {
    if (path == nullptr) throw std::invalid_argument("null path");
    module_of(module).save(std::string(path));
    return SST_OK;
  });
}

int sst_module_save_bytes(sst_module module, void** data, int64_t* length) {
  return guarded(SST_FAIL, [&] {
    std::ostringstream stream;
    module_of(module).save(stream);
    const std::string bytes = stream.str();
    void* copy = std::malloc(bytes.size());
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, bytes.data(), bytes.size());
    *data = copy;
    *length = static_cast<int64_t>(bytes.size());
    return SST_OK;
  });
}

int sst_module_has_method(sst_module module, const char* name) {
  return guarded(SST_FAIL, [&] {
    if (name == nullptr) throw std::invalid_argument("null method name");
    return module_of(module).find_method(name).has_value() ? 1 : 0;
  });
}

int sst_module_invoke(sst_module module, const char* method, const sst_tensor* args, int nargs, sst_tensor* outputs,
                      int capacity) {
  return guarded(SST_FAIL, [&] {
    if (method == nullptr) throw std::invalid_argument("null method name");
    auto& self = module_of(module);
    auto found = self.find_method(method);
    if (!found.has_value()) throw std::runtime_error(std::string("the module has no method '") + method + "'");
    std::vector<c10::IValue> stack;
    stack.reserve(static_cast<size_t>(nargs));
    for (int i = 0; i < nargs; ++i) stack.emplace_back(unwrap(args[i]));
    const auto results = tensors_in((*found)(std::move(stack)), method);
    if (static_cast<int64_t>(results.size()) > capacity)
      throw std::runtime_error(std::string("method '") + method + "' returned " + std::to_string(results.size()) +
                               " tensors; at most " + std::to_string(capacity) + " were expected");
    int written = 0;
    try {
      for (const auto& tensor : results) outputs[written++] = wrap(tensor);
    } catch (...) {
      for (int i = 0; i < written; ++i) sst_tensor_free(outputs[i]);
      throw;
    }
    return written;
  });
}

int sst_module_named_tensors(sst_module module, int buffers, sst_tensor* tensors, char** names, int capacity) {
  return guarded(SST_FAIL, [&] {
    std::vector<std::pair<std::string, at::Tensor>> found;
    if (buffers != 0) {
      for (const auto& item : module_of(module).named_buffers(true)) found.emplace_back(item.name, item.value);
    } else {
      for (const auto& item : module_of(module).named_parameters(true)) found.emplace_back(item.name, item.value);
    }
    const int count = static_cast<int>(found.size());
    if (tensors == nullptr) return count;  // a count query
    if (count > capacity) throw std::invalid_argument("named tensor buffer too small");
    int written = 0;
    try {
      for (; written < count; ++written) {
        names[written] = sst::copy_string(found[static_cast<size_t>(written)].first);
        try {
          tensors[written] = wrap(found[static_cast<size_t>(written)].second);
        } catch (...) {
          sst_string_free(names[written]);
          throw;
        }
      }
    } catch (...) {
      for (int i = 0; i < written; ++i) {
        sst_tensor_free(tensors[i]);
        sst_string_free(names[i]);
      }
      throw;
    }
    return count;
  });
}

int sst_module_train(sst_module module, int on) {
  return guarded(SST_FAIL, [&] {
    module_of(module).train(on != 0);
    return SST_OK;
  });
}

int sst_module_is_training(sst_module module) {
  return guarded(SST_FAIL, [&] { return module_of(module).is_training() ? 1 : 0; });
}

sst_module sst_module_deepcopy(sst_module module) {
  return guarded<sst_module>(nullptr, [&] {
    const auto& source = module_of(module);
    // deepcopy clones every tensor; with grad mode on, the clones would be non-leaf outputs of CloneBackward
    // instead of parameters an optimizer can own. Copy without recording, then restore requires_grad.
    Module copy;
    {
      at::NoGradGuard no_grad;
      copy = source.deepcopy();
    }
    const auto originals = source.named_parameters(true);
    const auto copies = copy.named_parameters(true);
    auto original = originals.begin();
    for (auto clone = copies.begin(); clone != copies.end() && original != originals.end(); ++clone, ++original) {
      (*clone).value.requires_grad_((*original).value.requires_grad());
    }
    return own(std::move(copy));
  });
}

int sst_module_to(sst_module module, int device_type, int device_index) {
  return guarded(SST_FAIL, [&] {
    module_of(module).to(sst::device_of(device_type, device_index));
    return SST_OK;
  });
}

}  // extern "C"
