cmd_Release/obj.target/forge_native/csrc/addon.o := g++ -o Release/obj.target/forge_native/csrc/addon.o ../csrc/addon.cc '-DNODE_GYP_MODULE_NAME=forge_native' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DNAPI_VERSION=8' '-DEIGEN_DONT_PARALLELIZE' '-DBUILDING_NODE_EXTENSION' -I/usr/include/node -I/usr/src -I/usr/deps/openssl/config -I/usr/deps/openssl/openssl/include -I/usr/deps/uv/include -I/usr/deps/zlib -I/usr/deps/v8/include  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -m64 -O3 -fno-omit-frame-pointer -fno-rtti -std=gnu++17 -isystem /usr/include/eigen3 -std=c++17 -O3 -pthread -march=native -DEIGEN_NO_DEBUG -Wno-unused-parameter -Wno-maybe-uninitialized -MMD -MF ./Release/.deps/Release/obj.target/forge_native/csrc/addon.o.d.raw   -c
Release/obj.target/forge_native/csrc/addon.o: ../csrc/addon.cc \
 /usr/include/node/node_api.h /usr/include/node/js_native_api.h \
 /usr/include/node/js_native_api_types.h \
 /usr/include/node/node_api_types.h ../csrc/activation.h ../csrc/binary.h \
 ../csrc/gemm.h ../csrc/norm.h ../csrc/optimizer.h ../csrc/softmax.h \
 ../csrc/transpose.h ../csrc/unary.h
../csrc/addon.cc:
/usr/include/node/node_api.h:
/usr/include/node/js_native_api.h:
/usr/include/node/js_native_api_types.h:
/usr/include/node/node_api_types.h:
../csrc/activation.h:
../csrc/binary.h:
../csrc/gemm.h:
../csrc/norm.h:
../csrc/optimizer.h:
../csrc/softmax.h:
../csrc/transpose.h:
../csrc/unary.h:
