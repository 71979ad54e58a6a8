#pragma once
#include "node_wrapper.h"
#include "./v8_version.h"
#if V8_AT_LEAST(12, 4, 254)
#include "v8_inspector/nodejs_v22.0.0.h"
#elif V8_AT_LEAST(11, 3, 244)
#include "v8_inspector/nodejs_v20.0.0.h"
#elif V8_AT_LEAST(10, 2, 154)
#include "v8_inspector/nodejs_v18.3.0.h"
#else
#include "v8_inspector/nodejs_v18.0.0.h"
#endif
