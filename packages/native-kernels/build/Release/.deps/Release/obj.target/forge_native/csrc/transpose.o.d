cmd_Release/obj.target/forge_native/csrc/transpose.o := g++ -o Release/obj.target/forge_native/csrc/transpose.o ../csrc/transpose.cc '-DNODE_GYP_MODULE_NAME=forge_native' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DNAPI_VERSION=8' '-DEIGEN_DONT_PARALLELIZE' '-DBUILDING_NODE_EXTENSION' -I/usr/include/node -I/usr/src -I/usr/deps/openssl/config -I/usr/deps/openssl/openssl/include -I/usr/deps/uv/include -I/usr/deps/zlib -I/usr/deps/v8/include  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -m64 -O3 -fno-omit-frame-pointer -fno-rtti -std=gnu++17 -isystem /usr/include/eigen3 -std=c++17 -O3 -pthread -march=native -DEIGEN_NO_DEBUG -Wno-unused-parameter -Wno-maybe-uninitialized -MMD -MF ./Release/.deps/Release/obj.target/forge_native/csrc/transpose.o.d.raw   -c
Release/obj.target/forge_native/csrc/transpose.o: ../csrc/transpose.cc \
 ../csrc/transpose.h ../csrc/pool.h
../csrc/transpose.cc:
../csrc/transpose.h:
../csrc/pool.h:
