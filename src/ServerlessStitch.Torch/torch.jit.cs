using ServerlessStitch.Torch.Native;

namespace ServerlessStitch.Torch;

public static partial class torch
{
    public static class jit
    {
        /// <summary>Loads a TorchScript file; <paramref name="map_location"/> moves its tensors (default: where saved).</summary>
        public static ScriptModule load(string filename, Device? map_location = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(filename);
            if (!File.Exists(filename))
            {
                throw new FileNotFoundException($"TorchScript file '{filename}' does not exist", filename);
            }

            try
            {
                var handle = NativeMethods.sst_module_load_file(
                    filename, map_location is null ? -1 : (int)map_location.type, map_location?.index ?? -1);
                return new ScriptModule(NativeResult.Check(handle));
            }
            catch (TorchException error)
            {
                throw new TorchException($"'{filename}' is not a loadable TorchScript file: {error.Message}", error);
            }
        }

        /// <summary>Loads a TorchScript module from the rest of <paramref name="stream"/>.</summary>
        public static ScriptModule load(Stream stream, Device? map_location = null)
        {
            ArgumentNullException.ThrowIfNull(stream);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (buffer.Length == 0)
            {
                throw new TorchException("the TorchScript stream is empty");
            }

            var bytes = buffer.GetBuffer();
            unsafe
            {
                fixed (byte* data = bytes)
                {
                    try
                    {
                        var handle = NativeMethods.sst_module_load_bytes(
                            data, buffer.Length, map_location is null ? -1 : (int)map_location.type, map_location?.index ?? -1);
                        return new ScriptModule(NativeResult.Check(handle));
                    }
                    catch (TorchException error)
                    {
                        throw new TorchException($"the stream does not hold a loadable TorchScript module: {error.Message}", error);
                    }
                }
            }
        }

        public static void save(ScriptModule module, string filename)
        {
            ArgumentNullException.ThrowIfNull(module);
            module.save(filename);
        }

        /// <summary>A TorchScript module (exported from PyTorch with torch.jit.script or trace).</summary>
        public sealed class ScriptModule : IDisposable
        {
            internal ScriptModule(ScriptModuleHandle handle) => Handle = handle;

            internal ScriptModuleHandle Handle { get; }

            public Tensor forward(params Tensor[] inputs) => invoke("forward", inputs);

            /// <summary>Calls a method (forward or one exported with @torch.jit.export) returning one tensor.</summary>
            public Tensor invoke(string name, params Tensor[] inputs)
            {
                var results = invoke_all(name, inputs);
                if (results.Length != 1)
                {
                    foreach (var extra in results)
                    {
                        extra.Dispose();
                    }

                    throw new TorchException($"method '{name}' returned {results.Length} tensors; use invoke_all for several results");
                }

                return results[0];
            }

            /// <summary>Calls a method returning a tensor, or a tuple or list of tensors.</summary>
            public Tensor[] invoke_all(string name, params Tensor[] inputs)
            {
                ArgumentException.ThrowIfNullOrEmpty(name);
                ArgumentNullException.ThrowIfNull(inputs);
                const int capacity = 64;
                using var lease = new HandleLease(inputs.Length);
                var args = new IntPtr[inputs.Length];
                for (var i = 0; i < args.Length; i++)
                {
                    args[i] = lease.Add((inputs[i] ?? throw new ArgumentNullException(nameof(inputs))).Handle);
                }

                var outputs = new IntPtr[capacity];
                int count;
                unsafe
                {
                    fixed (IntPtr* a = args)
                    fixed (IntPtr* o = outputs)
                    {
                        count = NativeResult.Check(NativeMethods.sst_module_invoke(Handle, name, a, args.Length, o, capacity));
                    }
                }

                var results = new Tensor[count];
                for (var i = 0; i < count; i++)
                {
                    results[i] = Tensor.FromRaw(outputs[i]);
                }

                return results;
            }

            public bool has_method(string name) => NativeResult.CheckFlag(NativeMethods.sst_module_has_method(Handle, name));

            /// <summary>Parameters of this module and its submodules, by dotted name. Each call returns new handles.</summary>
            public IReadOnlyList<(string name, Tensor parameter)> named_parameters() => NamedTensors(buffers: false);

            public IReadOnlyList<(string name, Tensor buffer)> named_buffers() => NamedTensors(buffers: true);

            public IReadOnlyList<Tensor> parameters() => [.. named_parameters().Select(p => p.parameter)];

            public ScriptModule train(bool on = true)
            {
                NativeResult.Check(NativeMethods.sst_module_train(Handle, on ? 1 : 0));
                return this;
            }

            public ScriptModule eval() => train(false);

            public bool training => NativeResult.CheckFlag(NativeMethods.sst_module_is_training(Handle));

            /// <summary>A deep copy: the clone's parameters and buffers are new tensors, so tuning one leaves the other alone.</summary>
            public ScriptModule clone() => new(NativeResult.Check(NativeMethods.sst_module_deepcopy(Handle)));

            public ScriptModule to(Device device)
            {
                ArgumentNullException.ThrowIfNull(device);
                NativeResult.Check(NativeMethods.sst_module_to(Handle, (int)device.type, device.index));
                return this;
            }

            public void save(string filename)
            {
                ArgumentException.ThrowIfNullOrEmpty(filename);
                NativeResult.Check(NativeMethods.sst_module_save_file(Handle, filename));
            }

            public void save(Stream stream)
            {
                ArgumentNullException.ThrowIfNull(stream);
                IntPtr data;
                long length;
                unsafe
                {
                    NativeResult.Check(NativeMethods.sst_module_save_bytes(Handle, &data, &length));
                }

                try
                {
                    unsafe
                    {
                        stream.Write(new ReadOnlySpan<byte>((void*)data, checked((int)length)));
                    }
                }
                finally
                {
                    NativeMethods.sst_buffer_free(data);
                }
            }

            public void Dispose() => Handle.Dispose();

            private (string, Tensor)[] NamedTensors(bool buffers)
            {
                var flag = buffers ? 1 : 0;
                int count;
                unsafe
                {
                    count = NativeResult.Check(NativeMethods.sst_module_named_tensors(Handle, flag, null, null, 0));
                }

                var tensors = new IntPtr[count];
                var names = new IntPtr[count];
                unsafe
                {
                    fixed (IntPtr* t = tensors)
                    fixed (IntPtr* n = names)
                    {
                        count = NativeResult.Check(NativeMethods.sst_module_named_tensors(Handle, flag, t, n, count));
                    }
                }

                var result = new (string, Tensor)[count];
                for (var i = 0; i < count; i++)
                {
                    var tensor = Tensor.FromRaw(tensors[i]);
                    result[i] = (NativeResult.TakeString(names[i]), tensor);
                }

                return result;
            }
        }
    }
}
