# mf_vector_unit tests (included by tests/rtl/CMakeLists.txt). All have LABELS rtl; nothing is
# built at `cmake --build` time: each configuration's Verilator model + C++ harness is compiled by
# a `rtl.vector_unit.<config>.build` test (a CTest fixture the configuration's other tests require), so
# `ctest -L rtl` after a fresh configure builds and runs everything (~1.5 min on 2 cores).
#
#   rtl.vector_unit.lint          verilator --lint-only -Wall at several (VLEN, ROWS, FORMATS) points
#   rtl.vector_unit.yosys_read    yosys read_verilog (no -sv) + hierarchy -check at a few points
#   rtl.vector_unit.iverilog      iverilog -g2005 elaboration at a few points
#   rtl.vector_unit.<config>.build / .ops / .gemv_<fmt> / .random_<fmt> / .switch
#                                 (configs ending _fp<S>: floating-point lanes pipelined, FP_STAGES S)
#   rtl.vector_unit.tile_<config>.build / .vst  mf_tile's vmac / vst in the fp formats, FP_STAGES 1, 3, 4
#   rtl.vector_unit.fma.build / .random  mf_fma alone against the C++ fma (any accumulator pattern)
#   rtl.vector_unit.ref_vs_python the C++ fma reference against bench/synth/synth.py's Python one
#   rtl.vector_unit.corrupt_fails a flipped expected bit must fail the harness (WILL_FAIL)
set(VU_SRC ${CMAKE_CURRENT_SOURCE_DIR}/vector_unit)
set(VU_BIN ${CMAKE_CURRENT_BINARY_DIR}/vector_unit)
# Verilator creates its --Mdir but not the parents: make them at configure time (a fresh build).
file(MAKE_DIRECTORY ${VU_BIN} ${VU_BIN}/fma)
set(VU_RTL ${MESHFORGE_RTL_DIR}/mf_vector_unit.v ${MESHFORGE_RTL_DIR}/mf_vu_format.v
           ${MESHFORGE_RTL_DIR}/mf_vu_lane_int.v ${MESHFORGE_RTL_DIR}/mf_vu_lane_fp.v
           ${MESHFORGE_RTL_DIR}/mf_fma.v ${MESHFORGE_RTL_DIR}/mf_vu_acc_int.v
           ${MESHFORGE_RTL_DIR}/mf_fma_pipe.v ${MESHFORGE_RTL_DIR}/mf_pipe_reg.v
           ${MESHFORGE_RTL_DIR}/mf_vu_delay.v ${MESHFORGE_RTL_DIR}/mf_vu_sum_fp.v)
find_program(MESHFORGE_YOSYS yosys)
find_package(Python3 COMPONENTS Interpreter QUIET)

# the latency the testbench checks is the RTL's documented localparam, N + AS (AS: the stages after
# the input register, max(INT_STAGES, FP_STAGES) with pipelined fp lanes); vu_config computes AS
# and REDUCE_LATENCY as docs/rtl.md defines them, and the cycle-exact checks fail if the RTL differs
file(STRINGS ${MESHFORGE_RTL_DIR}/mf_vector_unit.v _vu_lat REGEX "localparam LATENCY *= *[0-9]+ *\\+ *AS;")
string(REGEX MATCH "= *([0-9]+)" _vu_lat "${_vu_lat}")
set(VU_LATENCY_BASE ${CMAKE_MATCH_1})
if(NOT VU_LATENCY_BASE)
  message(FATAL_ERROR "vector_unit.cmake: no 'localparam LATENCY = N + AS' in mf_vector_unit.v")
endif()

# elaboration points "VLEN:ROWS:FORMATS[:INT_STAGES[:FP_STAGES]]" (FORMATS decimal: 1 fp32, 2 fp16,
# 4 bf16, 8 fp8, 16 int8, 32 int4; INT_STAGES and FP_STAGES 1 unless given)
# (larger points, e.g. 1024:4:63, 512:16:4, 64:1024:16, 65536:1:32, lint clean too but take
# 10 s to minutes: Verilator's time grows with the square of the number of lanes)
set(VU_LINT_POINTS 64:1:16 64:4:2 512:4:18 1024:1:40 128:3:40 2048:1:18 64:16:4 256:2:63
                   64:4:16:2 512:4:18:2 128:3:40:2 256:2:63:2 64:2:2:2
                   64:1:15:1:2 64:1:63:1:4 64:2:2:1:4 64:4:63:2:4 128:4:18:1:2 64:2:15:2:8 64:1:1:1:3
                   128:3:12:1:4 256:2:63:2:2 64:1:48:2:1 64:4:6:1:3)
set(VU_ELAB_POINTS 64:1:63 512:4:18 128:3:40 1024:2:4 64:4:63:2 128:3:48:2 64:1:63:1:4 64:4:63:2:4
                   128:2:15:1:8)
add_test(NAME rtl.vector_unit.lint
         COMMAND ${CMAKE_COMMAND} -DTOOL=verilator -DEXE=${MESHFORGE_VERILATOR}
                 "-DPOINTS=${VU_LINT_POINTS}" "-DFILES=${VU_RTL}" -P ${VU_SRC}/elaborate.cmake)
add_test(NAME rtl.vector_unit.iverilog
         COMMAND ${CMAKE_COMMAND} -DTOOL=iverilog -DEXE=${MESHFORGE_IVERILOG} -DWORK=${VU_BIN}
                 "-DPOINTS=${VU_ELAB_POINTS}" "-DFILES=${VU_RTL}" -P ${VU_SRC}/elaborate.cmake)
set_tests_properties(rtl.vector_unit.lint rtl.vector_unit.iverilog PROPERTIES LABELS rtl)
if(MESHFORGE_YOSYS)
  add_test(NAME rtl.vector_unit.yosys_read
           COMMAND ${CMAKE_COMMAND} -DTOOL=yosys -DEXE=${MESHFORGE_YOSYS} -DWORK=${VU_BIN}
                   "-DPOINTS=${VU_ELAB_POINTS}" "-DFILES=${VU_RTL}" -P ${VU_SRC}/elaborate.cmake)
  set_tests_properties(rtl.vector_unit.yosys_read PROPERTIES LABELS rtl)
endif()

set(VU_FORMAT_NAMES fp32 fp16 bf16 fp8 int8 int4)

# vu_config(NAME VLEN ROWS FORMATS SEED [INT_STAGES [FP_STAGES]]): one Verilator model and its
# scenario tests
function(vu_config name vlen rows formats seed)
  set(stages 1)
  if(ARGC GREATER 5)
    set(stages ${ARGV5})
  endif()
  set(fp_stages 1)
  if(ARGC GREATER 6)
    set(fp_stages ${ARGV6})
  endif()
  # docs/rtl.md: AS = max(INT_STAGES, FP_STAGES) when fp lanes are pipelined (an fp format declared,
  # FP_STAGES > 1); a reduction adds (FP_STAGES - 1) steps of RS = min(4, ceil(FP_STAGES / ROWS)) cycles
  math(EXPR has_fp "${formats} & 15")   # nonzero: a floating-point format is declared
  set(as ${stages})
  set(reduce_extra 0)
  if(has_fp AND fp_stages GREATER 1)
    if(fp_stages GREATER stages)
      set(as ${fp_stages})
    endif()
    math(EXPR rs "(${fp_stages} + ${rows} - 1) / ${rows}")
    if(rs GREATER 4)
      set(rs 4)
    endif()
    math(EXPR reduce_extra "(${fp_stages} - 1) * ${rs}")
  endif()
  math(EXPR latency "${VU_LATENCY_BASE} + ${as}")
  math(EXPR reduce_latency "${latency} + ${reduce_extra}")
  set(mdir ${VU_BIN}/${name})
  file(MAKE_DIRECTORY ${mdir})
  # small, fast-compiling models: -O0 for the generated code (the simulations take < 1 s),
  # loops left as loops (--unroll-count), modules not inlined
  add_test(NAME rtl.vector_unit.${name}.build
           COMMAND ${MESHFORGE_VERILATOR} --cc --exe --build -Wall --top-module mf_vector_unit
                   -GVLEN=${vlen} -GROWS=${rows} -GFORMATS=${formats} -GINT_STAGES=${stages} -GFP_STAGES=${fp_stages}
                   --inline-mult 1 --unroll-count 4
                   -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0"
                   -CFLAGS "-I${VU_SRC} -DVU_VLEN=${vlen} -DVU_ROWS=${rows} -DVU_FORMATS=${formats} -DVU_LATENCY=${latency} -DVU_FP_STAGES=${fp_stages} -DVU_REDUCE_LATENCY=${reduce_latency}"
                   --Mdir ${mdir} -o vu_tb ${VU_RTL} ${VU_SRC}/vu_tb.cpp ${VU_SRC}/vu_ref.cpp)
  set_tests_properties(rtl.vector_unit.${name}.build PROPERTIES LABELS rtl FIXTURES_SETUP vu_${name})
  set(scenarios ops)
  set(nfmt 0)
  foreach(f RANGE 5)
    math(EXPR bit "(${formats} >> ${f}) & 1")
    if(bit)
      list(GET VU_FORMAT_NAMES ${f} fname)
      list(APPEND scenarios gemv_${fname} random_${fname})
      math(EXPR nfmt "${nfmt} + 1")
    endif()
  endforeach()
  if(nfmt GREATER 1)
    list(APPEND scenarios switch)
  endif()
  foreach(s ${scenarios})
    add_test(NAME rtl.vector_unit.${name}.${s} COMMAND ${CMAKE_COMMAND} -E env ${mdir}/vu_tb --scenario ${s} --seed ${seed})
    set_tests_properties(rtl.vector_unit.${name}.${s} PROPERTIES LABELS rtl FIXTURES_REQUIRED vu_${name}
                         FAIL_REGULAR_EXPRESSION "MISMATCH;FAIL")
  endforeach()
endfunction()

vu_config(v64_r1_all 64 1 63 11)            # all six formats, one row
vu_config(v64_r4_all 64 4 63 12)            # all six formats, a 4-row chain
vu_config(v128_r3_fp16_int8 128 3 18 13)    # two formats, odd ROWS (int adder tree padding)
vu_config(v64_r2_bf16 64 2 4 14)            # one format
vu_config(v64_r4_all_s2 64 4 63 15 2)       # integer lanes pipelined: product sums registered
vu_config(v128_r3_int_s2 128 3 48 16 2)     # int8 + int4 only, pipelined (no fp operand stage)
# floating-point lanes pipelined (FP_STAGES): interleaved partial accumulators, reduction by op 3
vu_config(v64_r1_fp_fp2 64 1 15 17 1 2)     # the four fp formats, one row: one cut inside the FMA
vu_config(v64_r1_fp_fp4 64 1 15 18 1 4)     # one row, three cuts inside the FMA (a cut per phase)
vu_config(v64_r4_all_fp4 64 4 63 19 2 4)    # all six formats, cuts between the rows, integer lanes wait
vu_config(v128_r2_fp16_int8_fp3 128 2 18 20 1 3)  # odd stage count, a cut inside and between FMAs
vu_config(v64_r2_fp_fp8 64 2 15 21 1 8)     # the most stages: a cut after every FMA phase

# mf_tile's floating-point path (vmacz / vmac / vst in fp32, fp16, bf16, fp8) against the reference:
# with FP_STAGES > 1 vst stores the reduced sum and vmac after vst continues from it.
# tt_config(NAME ROWS FP_STAGES SEED)
file(GLOB VU_TILE_RTL ${MESHFORGE_RTL_DIR}/*.v)   # the tile and everything under it
function(tt_config name rows fp_stages seed)
  set(mdir ${VU_BIN}/${name})
  file(MAKE_DIRECTORY ${mdir})
  add_test(NAME rtl.vector_unit.${name}.build
           COMMAND ${MESHFORGE_VERILATOR} --cc --exe --build -Wall --top-module mf_tile --public-flat-rw
                   -GVLEN=64 -GROWS=${rows} "-GFORMATS=6'b001111" -GFP_STAGES=${fp_stages}
                   -GIMEM_WORDS=4096 -GWMEM_WORDS=64 -GAMEM_WORDS=256
                   "-GIMEM_INIT=\"imem.hex\"" "-GWMEM_INIT=\"wmem.hex\""
                   -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0"
                   -CFLAGS "-I${VU_SRC} -DTT_VLEN=64 -DTT_ROWS=${rows} -DTT_FORMATS=15 -DTT_FP_STAGES=${fp_stages}"
                   --Mdir ${mdir} -o tile_fp_tb ${VU_TILE_RTL} ${VU_SRC}/tile_fp_tb.cpp ${VU_SRC}/vu_ref.cpp)
  set_tests_properties(rtl.vector_unit.${name}.build PROPERTIES LABELS rtl FIXTURES_SETUP vu_${name})
  add_test(NAME rtl.vector_unit.${name}.vst COMMAND ${mdir}/tile_fp_tb --seed ${seed})
  set_tests_properties(rtl.vector_unit.${name}.vst PROPERTIES LABELS rtl FIXTURES_REQUIRED vu_${name}
                       WORKING_DIRECTORY ${mdir} FAIL_REGULAR_EXPRESSION "MISMATCH;FAIL")
endfunction()
# mf_tile around the vector unit: lint clean at FP_STAGES 1, 2, 4 (ROWS 1, 2, 4; several format masks)
set(VU_TILE_LINT_POINTS 64:1:2:1:1 64:1:2:1:2 64:1:2:1:4 64:2:18:1:2 64:4:63:2:4 128:2:15:2:4 64:4:6:1:2
                        256:1:19:1:4 64:2:48:2:1)
add_test(NAME rtl.vector_unit.tile_lint
         COMMAND ${CMAKE_COMMAND} -DTOOL=verilator -DEXE=${MESHFORGE_VERILATOR} -DTOP=mf_tile
                 "-DPOINTS=${VU_TILE_LINT_POINTS}" "-DFILES=${VU_TILE_RTL}" -P ${VU_SRC}/elaborate.cmake)
set_tests_properties(rtl.vector_unit.tile_lint PROPERTIES LABELS rtl)
tt_config(tile_r2_fp1 2 1 31)   # one stage: vst stores the accumulators as before
tt_config(tile_r2_fp4 2 4 32)   # partial accumulators: vst reduces first
tt_config(tile_r1_fp3 1 3 33)

# mf_fma alone in the four floating-point format pairs, any accumulator bit pattern
add_test(NAME rtl.vector_unit.fma.build
         COMMAND ${MESHFORGE_VERILATOR} --cc --exe --build -Wall --top-module vu_fma_top
                 -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0" -CFLAGS "-I${VU_SRC}"
                 --Mdir ${VU_BIN}/fma -o vu_fma_tb ${VU_SRC}/vu_fma_top.v ${MESHFORGE_RTL_DIR}/mf_fma.v
                 ${MESHFORGE_RTL_DIR}/mf_fma_pipe.v ${MESHFORGE_RTL_DIR}/mf_pipe_reg.v
                 ${VU_SRC}/vu_fma_tb.cpp ${VU_SRC}/vu_ref.cpp)
add_test(NAME rtl.vector_unit.fma.random COMMAND ${CMAKE_COMMAND} -E env ${VU_BIN}/fma/vu_fma_tb 400000 5)
set_tests_properties(rtl.vector_unit.fma.build PROPERTIES LABELS rtl FIXTURES_SETUP vu_fma)
set_tests_properties(rtl.vector_unit.fma.random PROPERTIES LABELS rtl FIXTURES_REQUIRED vu_fma
                     FAIL_REGULAR_EXPRESSION "MISMATCH;FAIL")

# the harness must fail on a wrong result
add_test(NAME rtl.vector_unit.corrupt_fails
         COMMAND ${CMAKE_COMMAND} -E env ${VU_BIN}/v64_r4_all/vu_tb --scenario random_fp16 --corrupt)
set_tests_properties(rtl.vector_unit.corrupt_fails PROPERTIES LABELS rtl WILL_FAIL TRUE
                     FIXTURES_REQUIRED vu_v64_r4_all)
add_test(NAME rtl.vector_unit.corrupt_fails_fp4
         COMMAND ${CMAKE_COMMAND} -E env ${VU_BIN}/v64_r1_fp_fp4/vu_tb --scenario random_bf16 --corrupt)
set_tests_properties(rtl.vector_unit.corrupt_fails_fp4 PROPERTIES LABELS rtl WILL_FAIL TRUE
                     FIXTURES_REQUIRED vu_v64_r1_fp_fp4)

if(Python3_Interpreter_FOUND)
  add_test(NAME rtl.vector_unit.ref_vs_python
           COMMAND ${Python3_EXECUTABLE} ${VU_SRC}/check_ref_python.py ${VU_BIN}/fma/vu_fma_tb 40000 7)
  set_tests_properties(rtl.vector_unit.ref_vs_python PROPERTIES LABELS rtl FIXTURES_REQUIRED vu_fma
                       FAIL_REGULAR_EXPRESSION "MISMATCH;FAIL")
endif()
