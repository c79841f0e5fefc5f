{
  "targets": [
    {
      "target_name": "forge_native",
      "sources": ["csrc/addon.cc", "csrc/gemm.cc", "csrc/pool.cc", "csrc/optimizer.cc", "csrc/softmax.cc", "csrc/unary.cc", "csrc/binary.cc", "csrc/transpose.cc", "csrc/norm.cc", "csrc/activation.cc", "csrc/ternary.cc", "csrc/rope.cc"],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc": ["-isystem", "<!(node -p \"process.env.FORGE_EIGEN_INCLUDE || '/usr/include/eigen3'\")", "-std=c++17", "-O3", "-pthread", "<!(node -p \"process.env.FORGE_NATIVE_MARCH || '-march=native'\")", "-DEIGEN_NO_DEBUG", "-Wno-unused-parameter", "-Wno-maybe-uninitialized"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8", "EIGEN_DONT_PARALLELIZE"]
    }
  ]
}
