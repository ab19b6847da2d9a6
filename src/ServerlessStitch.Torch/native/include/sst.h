// The C ABI of ServerlessStitch's libtorch shim.
//
// Conventions (the managed side relies on every one of them):
// - Objects are opaque handles owned by the caller and released with the matching *_free.
// - Functions returning a handle return NULL on failure; functions returning int return
//   SST_OK (0) or SST_FAIL (-1); counts are >= 0 or SST_FAIL.
// - On failure the message is kept per thread; sst_error_take() hands it over (free it with
//   sst_string_free). No C++ exception ever crosses this boundary.
#pragma once
#include <stdint.h>

#if defined(__GNUC__)
#define SST_API __attribute__((visibility("default")))
#else
#define SST_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SST_OK 0
#define SST_FAIL (-1)

typedef struct sst_tensor_s* sst_tensor;
typedef struct sst_module_s* sst_module;
typedef struct sst_adam_s* sst_adam;
typedef struct sst_generator_s* sst_generator;

// ---- errors, strings, buffers
SST_API char* sst_error_take(void);
SST_API void sst_string_free(char* text);
SST_API void sst_buffer_free(void* data);

// ---- runtime: version, threads, grad mode, devices, counters
SST_API char* sst_version(void);
SST_API char* sst_parallel_info(void);
SST_API int sst_set_num_threads(int threads);
SST_API int sst_get_num_threads(void);
// The calling OS thread's own intra-op count (OpenMP's is per thread); 0 returns it to the process-wide count.
SST_API int sst_set_thread_num_threads(int threads);
SST_API int sst_grad_enabled(void);
SST_API int sst_set_grad_enabled(int enabled);
SST_API int sst_cuda_is_available(void);
SST_API int sst_cuda_device_count(void);
SST_API int sst_manual_seed(uint64_t seed);
SST_API int64_t sst_live_tensors(void);
SST_API int64_t sst_live_modules(void);

// ---- generators
SST_API sst_generator sst_generator_new(uint64_t seed);
SST_API void sst_generator_free(sst_generator generator);

// ---- tensor lifetime, creation, data
SST_API void sst_tensor_free(sst_tensor tensor);
SST_API sst_tensor sst_tensor_from_data(const void* data, int64_t byte_count, const int64_t* shape, int ndim,
                                        int dtype, int device_type, int device_index, int requires_grad);
SST_API int sst_tensor_copy_to(sst_tensor tensor, void* destination, int64_t byte_count, int dtype);
SST_API sst_tensor sst_tensor_create(int kind, const int64_t* shape, int ndim, int dtype, int device_type,
                                     int device_index, double value, int requires_grad);
SST_API sst_tensor sst_tensor_random(int kind, const int64_t* shape, int ndim, int dtype, int device_type,
                                     int device_index, sst_generator generator, int requires_grad);
SST_API sst_tensor sst_tensor_arange(double start, double end, double step, int dtype, int device_type,
                                     int device_index);
SST_API sst_tensor sst_tensor_linspace(double start, double end, int64_t steps, int dtype, int device_type,
                                       int device_index);

// ---- tensor properties and autograd
SST_API int sst_tensor_ndim(sst_tensor tensor);
SST_API int sst_tensor_shape(sst_tensor tensor, int64_t* shape, int capacity);
SST_API int sst_tensor_dtype(sst_tensor tensor);
SST_API int sst_tensor_device(sst_tensor tensor, int* device_type, int* device_index);
SST_API int sst_tensor_item(sst_tensor tensor, double* value);
SST_API int sst_tensor_requires_grad(sst_tensor tensor);
SST_API int sst_tensor_set_requires_grad(sst_tensor tensor, int requires_grad);
SST_API int sst_tensor_is_leaf(sst_tensor tensor);
SST_API int sst_tensor_backward(sst_tensor tensor, sst_tensor gradient, int retain_graph);
SST_API int sst_tensor_grad(sst_tensor tensor, sst_tensor* gradient);
SST_API sst_tensor sst_tensor_to(sst_tensor tensor, int dtype, int device_type, int device_index);

// ---- element-wise and reductions (op codes: see ops.h)
SST_API sst_tensor sst_unary(sst_tensor tensor, int op);
SST_API sst_tensor sst_binary(sst_tensor left, sst_tensor right, int op);
SST_API sst_tensor sst_binary_scalar(sst_tensor left, double right, int op);
SST_API int sst_inplace(sst_tensor target, sst_tensor source, double scalar, int op);
SST_API sst_tensor sst_reduce(sst_tensor tensor, int op, const int64_t* dims, int ndims, int keepdim);
SST_API sst_tensor sst_norm(sst_tensor tensor, double p, const int64_t* dims, int ndims, int keepdim);
SST_API int sst_max_dim(sst_tensor tensor, int64_t dim, int keepdim, int is_min, sst_tensor* values,
                        sst_tensor* indices);
SST_API sst_tensor sst_argmax(sst_tensor tensor, int64_t dim, int has_dim, int keepdim);
SST_API sst_tensor sst_clamp(sst_tensor tensor, double min, int has_min, double max, int has_max);
SST_API sst_tensor sst_where(sst_tensor condition, sst_tensor when_true, sst_tensor when_false);
SST_API sst_tensor sst_softmax(sst_tensor tensor, int64_t dim, int log);
SST_API sst_tensor sst_leaky_relu(sst_tensor tensor, double negative_slope);

// ---- shape and indexing
SST_API sst_tensor sst_reshape(sst_tensor tensor, const int64_t* shape, int ndim, int view);
SST_API sst_tensor sst_permute(sst_tensor tensor, const int64_t* dims, int ndim);
SST_API sst_tensor sst_expand(sst_tensor tensor, const int64_t* shape, int ndim);
SST_API sst_tensor sst_repeat(sst_tensor tensor, const int64_t* repeats, int ndim);
SST_API sst_tensor sst_slice(sst_tensor tensor, int64_t dim, int64_t start, int64_t end, int64_t step);
SST_API sst_tensor sst_narrow(sst_tensor tensor, int64_t dim, int64_t start, int64_t length);
SST_API sst_tensor sst_select(sst_tensor tensor, int64_t dim, int64_t index);
SST_API sst_tensor sst_index_select(sst_tensor tensor, int64_t dim, sst_tensor index);
SST_API sst_tensor sst_transpose(sst_tensor tensor, int64_t dim0, int64_t dim1);
SST_API sst_tensor sst_squeeze(sst_tensor tensor, int64_t dim, int has_dim);
SST_API sst_tensor sst_unsqueeze(sst_tensor tensor, int64_t dim);
SST_API sst_tensor sst_flatten(sst_tensor tensor, int64_t start_dim, int64_t end_dim);
SST_API sst_tensor sst_join(const sst_tensor* tensors, int count, int64_t dim, int stack);

// ---- torch.nn.functional
SST_API sst_tensor sst_interpolate(sst_tensor input, const int64_t* size, int nsize, const double* scale,
                                   int nscale, int mode, int align_corners, int antialias);
SST_API sst_tensor sst_affine_grid(sst_tensor theta, const int64_t* size, int nsize, int align_corners);
SST_API sst_tensor sst_grid_sample(sst_tensor input, sst_tensor grid, int mode, int padding_mode,
                                   int align_corners);
SST_API sst_tensor sst_conv2d(sst_tensor input, sst_tensor weight, sst_tensor bias, const int64_t* stride,
                              const int64_t* padding, const int64_t* dilation, int64_t groups);
SST_API sst_tensor sst_max_pool2d(sst_tensor input, const int64_t* kernel, const int64_t* stride,
                                  const int64_t* padding, const int64_t* dilation, int ceil_mode);
SST_API sst_tensor sst_avg_pool2d(sst_tensor input, const int64_t* kernel, const int64_t* stride,
                                  const int64_t* padding, int ceil_mode, int count_include_pad);
SST_API sst_tensor sst_pad(sst_tensor input, const int64_t* pads, int npads, int mode, double value);
SST_API sst_tensor sst_loss(sst_tensor input, sst_tensor target, int kind, int reduction);

// ---- TorchScript modules
SST_API sst_module sst_module_load_file(const char* path, int device_type, int device_index);
SST_API sst_module sst_module_load_bytes(const void* data, int64_t length, int device_type, int device_index);
SST_API void sst_module_free(sst_module module);
SST_API int sst_module_save_file(sst_module module, const char* path);
SST_API int sst_module_save_bytes(sst_module module, void** data, int64_t* length);
SST_API int sst_module_has_method(sst_module module, const char* name);
SST_API int sst_module_invoke(sst_module module, const char* method, const sst_tensor* args, int nargs,
                              sst_tensor* outputs, int capacity);
SST_API int sst_module_named_tensors(sst_module module, int buffers, sst_tensor* tensors, char** names,
                                     int capacity);
SST_API int sst_module_train(sst_module module, int on);
SST_API int sst_module_is_training(sst_module module);
SST_API sst_module sst_module_deepcopy(sst_module module);
SST_API int sst_module_to(sst_module module, int device_type, int device_index);

// ---- optimisers
SST_API sst_adam sst_adam_new(const sst_tensor* parameters, int count, double lr, double beta1, double beta2,
                              double eps, double weight_decay, int amsgrad);
SST_API void sst_adam_free(sst_adam optimizer);
SST_API int sst_adam_step(sst_adam optimizer);
SST_API int sst_adam_zero_grad(sst_adam optimizer);
// The state (moments, step counts) as libtorch's archive format; the buffer is freed with sst_buffer_free.
SST_API int sst_adam_save_bytes(sst_adam optimizer, void** data, int64_t* length);
// Loads a state saved by sst_adam_save_bytes for the same parameter list (matched by position).
SST_API int sst_adam_load_bytes(sst_adam optimizer, const void* data, int64_t length);

// ---- native baselines for the benchmark: the same loops, written in C++ directly
// Each reports the wall-clock and process CPU seconds of its timed loop.
SST_API int sst_baseline_conv(int64_t channels, int64_t size, int iterations, double* wall_seconds, double* cpu_seconds);
SST_API int sst_baseline_tiny_add(int iterations, double* wall_seconds, double* cpu_seconds);

#ifdef __cplusplus
}
#endif
