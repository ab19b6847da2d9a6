using System.Runtime.InteropServices;

namespace ServerlessStitch.Torch.Native;

/// <summary>
/// P/Invoke declarations of the shim's C ABI (native/include/sst.h). Every call here is checked by
/// <see cref="NativeResult"/>; nothing outside this assembly calls native code.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Library = "ServerlessStitchTorchNative";

    // ---- errors, strings, buffers
    [LibraryImport(Library)] internal static partial IntPtr sst_error_take();
    [LibraryImport(Library)] internal static partial void sst_string_free(IntPtr text);
    [LibraryImport(Library)] internal static partial void sst_buffer_free(IntPtr data);

    // ---- runtime
    [LibraryImport(Library)] internal static partial IntPtr sst_version();
    [LibraryImport(Library)] internal static partial IntPtr sst_parallel_info();
    [LibraryImport(Library)] internal static partial int sst_set_num_threads(int threads);
    [LibraryImport(Library)] internal static partial int sst_get_num_threads();
    [LibraryImport(Library)] internal static partial int sst_set_thread_num_threads(int threads);
    [LibraryImport(Library)] internal static partial int sst_grad_enabled();
    [LibraryImport(Library)] internal static partial int sst_set_grad_enabled(int enabled);
    [LibraryImport(Library)] internal static partial int sst_cuda_is_available();
    [LibraryImport(Library)] internal static partial int sst_cuda_device_count();
    [LibraryImport(Library)] internal static partial int sst_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial long sst_live_tensors();
    [LibraryImport(Library)] internal static partial long sst_live_modules();

    // ---- generators
    [LibraryImport(Library)] internal static partial GeneratorHandle sst_generator_new(ulong seed);
    [LibraryImport(Library)] internal static partial void sst_generator_free(IntPtr generator);

    // ---- tensor lifetime, creation, data
    [LibraryImport(Library)] internal static partial void sst_tensor_free(IntPtr tensor);
    [LibraryImport(Library)]
    internal static partial TensorHandle sst_tensor_from_data(void* data, long byteCount, long* shape, int ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Library)] internal static partial int sst_tensor_copy_to(TensorHandle tensor, void* destination, long byteCount, int dtype);
    [LibraryImport(Library)]
    internal static partial TensorHandle sst_tensor_create(int kind, long* shape, int ndim, int dtype, int deviceType, int deviceIndex, double value, int requiresGrad);
    [LibraryImport(Library)]
    internal static partial TensorHandle sst_tensor_random(int kind, long* shape, int ndim, int dtype, int deviceType, int deviceIndex, IntPtr generator, int requiresGrad);
    [LibraryImport(Library)] internal static partial TensorHandle sst_tensor_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial TensorHandle sst_tensor_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex);

    // ---- properties and autograd
    [LibraryImport(Library)] internal static partial int sst_tensor_ndim(TensorHandle tensor);
    [LibraryImport(Library)] internal static partial int sst_tensor_shape(TensorHandle tensor, long* shape, int capacity);
    [LibraryImport(Library)] internal static partial int sst_tensor_dtype(TensorHandle tensor);
    [LibraryImport(Library)] internal static partial int sst_tensor_device(TensorHandle tensor, int* deviceType, int* deviceIndex);
    [LibraryImport(Library)] internal static partial int sst_tensor_item(TensorHandle tensor, double* value);
    [LibraryImport(Library)] internal static partial int sst_tensor_requires_grad(TensorHandle tensor);
    [LibraryImport(Library)] internal static partial int sst_tensor_set_requires_grad(TensorHandle tensor, int requiresGrad);
    [LibraryImport(Library)] internal static partial int sst_tensor_is_leaf(TensorHandle tensor);
    [LibraryImport(Library)] internal static partial int sst_tensor_backward(TensorHandle tensor, IntPtr gradient, int retainGraph);
    [LibraryImport(Library)] internal static partial int sst_tensor_grad(TensorHandle tensor, IntPtr* gradient);
    [LibraryImport(Library)] internal static partial TensorHandle sst_tensor_to(TensorHandle tensor, int dtype, int deviceType, int deviceIndex);

    // ---- element-wise and reductions
    [LibraryImport(Library)] internal static partial TensorHandle sst_unary(TensorHandle tensor, int op);
    [LibraryImport(Library)] internal static partial TensorHandle sst_binary(TensorHandle left, TensorHandle right, int op);
    [LibraryImport(Library)] internal static partial TensorHandle sst_binary_scalar(TensorHandle left, double right, int op);
    [LibraryImport(Library)] internal static partial int sst_inplace(TensorHandle target, IntPtr source, double scalar, int op);
    [LibraryImport(Library)] internal static partial TensorHandle sst_reduce(TensorHandle tensor, int op, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_norm(TensorHandle tensor, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial int sst_max_dim(TensorHandle tensor, long dim, int keepdim, int isMin, IntPtr* values, IntPtr* indices);
    [LibraryImport(Library)] internal static partial TensorHandle sst_argmax(TensorHandle tensor, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_clamp(TensorHandle tensor, double min, int hasMin, double max, int hasMax);
    [LibraryImport(Library)] internal static partial TensorHandle sst_where(TensorHandle condition, TensorHandle whenTrue, TensorHandle whenFalse);
    [LibraryImport(Library)] internal static partial TensorHandle sst_softmax(TensorHandle tensor, long dim, int log);
    [LibraryImport(Library)] internal static partial TensorHandle sst_leaky_relu(TensorHandle tensor, double negativeSlope);

    // ---- shape and indexing
    [LibraryImport(Library)] internal static partial TensorHandle sst_reshape(TensorHandle tensor, long* shape, int ndim, int view);
    [LibraryImport(Library)] internal static partial TensorHandle sst_permute(TensorHandle tensor, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_expand(TensorHandle tensor, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_repeat(TensorHandle tensor, long* repeats, int ndim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_slice(TensorHandle tensor, long dim, long start, long end, long step);
    [LibraryImport(Library)] internal static partial TensorHandle sst_narrow(TensorHandle tensor, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial TensorHandle sst_select(TensorHandle tensor, long dim, long index);
    [LibraryImport(Library)] internal static partial TensorHandle sst_index_select(TensorHandle tensor, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial TensorHandle sst_transpose(TensorHandle tensor, long dim0, long dim1);
    [LibraryImport(Library)] internal static partial TensorHandle sst_squeeze(TensorHandle tensor, long dim, int hasDim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_unsqueeze(TensorHandle tensor, long dim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_flatten(TensorHandle tensor, long startDim, long endDim);
    [LibraryImport(Library)] internal static partial TensorHandle sst_join(IntPtr* tensors, int count, long dim, int stack);

    // ---- torch.nn.functional
    [LibraryImport(Library)]
    internal static partial TensorHandle sst_interpolate(TensorHandle input, long* size, int nsize, double* scale, int nscale, int mode, int alignCorners, int antialias);
    [LibraryImport(Library)] internal static partial TensorHandle sst_affine_grid(TensorHandle theta, long* size, int nsize, int alignCorners);
    [LibraryImport(Library)] internal static partial TensorHandle sst_grid_sample(TensorHandle input, TensorHandle grid, int mode, int paddingMode, int alignCorners);
    [LibraryImport(Library)]
    internal static partial TensorHandle sst_conv2d(TensorHandle input, TensorHandle weight, IntPtr bias, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Library)]
    internal static partial TensorHandle sst_max_pool2d(TensorHandle input, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [LibraryImport(Library)]
    internal static partial TensorHandle sst_avg_pool2d(TensorHandle input, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad);
    [LibraryImport(Library)] internal static partial TensorHandle sst_pad(TensorHandle input, long* pads, int npads, int mode, double value);
    [LibraryImport(Library)] internal static partial TensorHandle sst_loss(TensorHandle input, TensorHandle target, int kind, int reduction);

    // ---- TorchScript modules
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial ScriptModuleHandle sst_module_load_file(string path, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial ScriptModuleHandle sst_module_load_bytes(byte* data, long length, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial void sst_module_free(IntPtr module);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int sst_module_save_file(ScriptModuleHandle module, string path);
    [LibraryImport(Library)] internal static partial int sst_module_save_bytes(ScriptModuleHandle module, IntPtr* data, long* length);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int sst_module_has_method(ScriptModuleHandle module, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int sst_module_invoke(ScriptModuleHandle module, string method, IntPtr* args, int nargs, IntPtr* outputs, int capacity);
    [LibraryImport(Library)] internal static partial int sst_module_named_tensors(ScriptModuleHandle module, int buffers, IntPtr* tensors, IntPtr* names, int capacity);
    [LibraryImport(Library)] internal static partial int sst_module_train(ScriptModuleHandle module, int on);
    [LibraryImport(Library)] internal static partial int sst_module_is_training(ScriptModuleHandle module);
    [LibraryImport(Library)] internal static partial ScriptModuleHandle sst_module_deepcopy(ScriptModuleHandle module);
    [LibraryImport(Library)] internal static partial int sst_module_to(ScriptModuleHandle module, int deviceType, int deviceIndex);

    // ---- optimisers
    [LibraryImport(Library)]
    internal static partial AdamHandle sst_adam_new(IntPtr* parameters, int count, double lr, double beta1, double beta2, double eps, double weightDecay, int amsgrad);
    [LibraryImport(Library)] internal static partial void sst_adam_free(IntPtr optimizer);
    [LibraryImport(Library)] internal static partial int sst_adam_step(AdamHandle optimizer);
    [LibraryImport(Library)] internal static partial int sst_adam_zero_grad(AdamHandle optimizer);
    [LibraryImport(Library)] internal static partial int sst_adam_save_bytes(AdamHandle optimizer, IntPtr* data, long* length);
    [LibraryImport(Library)] internal static partial int sst_adam_load_bytes(AdamHandle optimizer, byte* data, long length);

    // ---- native baselines (benchmark)
    [LibraryImport(Library)] internal static partial int sst_baseline_conv(long channels, long size, int iterations, double* wallSeconds, double* cpuSeconds);
    [LibraryImport(Library)] internal static partial int sst_baseline_tiny_add(int iterations, double* wallSeconds, double* cpuSeconds);
}
