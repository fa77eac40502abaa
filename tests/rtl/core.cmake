# mf_core (the tile's RV32I sequencer): lint, synthesis, and RISC-V programs run on tb_core.
# Every program is built by the RISC-V toolchain when its test runs (no build step needed:
# `ctest -L rtl` after a configure), then simulated by Icarus Verilog, with the data port always
# ready and again with random dmem_ready stalls and coprocessor delays (the _stall tests).
set(core_dir ${CMAKE_CURRENT_LIST_DIR}/core)
set(core_work ${CMAKE_CURRENT_BINARY_DIR}/core)
set(core_rtl mf_core mf_core_decode mf_core_alu mf_core_lsu mf_core_regfile)
set(core_sources)
foreach(m IN LISTS core_rtl)
  list(APPEND core_sources ${MESHFORGE_RTL_DIR}/${m}.v)
endforeach()
set(core_sim ${core_work}/tb_core.vvp)

# Lint: the whole core, and each module on its own.
add_test(NAME rtl.core.lint
  COMMAND ${MESHFORGE_VERILATOR} --lint-only -Wall --top-module mf_core ${core_sources})
set_tests_properties(rtl.core.lint PROPERTIES LABELS "rtl;rtl_core" TIMEOUT 60)
foreach(m IN LISTS core_rtl)
  if(NOT m STREQUAL "mf_core")
    add_test(NAME rtl.core.lint_${m}
      COMMAND ${MESHFORGE_VERILATOR} --lint-only -Wall --top-module ${m} ${MESHFORGE_RTL_DIR}/${m}.v)
    set_tests_properties(rtl.core.lint_${m} PROPERTIES LABELS "rtl;rtl_core" TIMEOUT 60)
  endif()
endforeach()

# Synthesis: Yosys reads it without -sv, `synth` maps it, `check -assert` finds no problems.
find_program(MESHFORGE_YOSYS yosys)
if(MESHFORGE_YOSYS)
  list(JOIN core_sources " " core_sources_str)
  add_test(NAME rtl.core.synth
    COMMAND ${MESHFORGE_YOSYS} -q -p "read_verilog ${core_sources_str}; synth -top mf_core; check -assert; stat")
  set_tests_properties(rtl.core.synth PROPERTIES LABELS "rtl;rtl_core" TIMEOUT 120)
endif()

# The simulator, built once for all programs (a fixture).
file(MAKE_DIRECTORY ${core_work})
add_test(NAME rtl.core.sim_build
  COMMAND ${MESHFORGE_IVERILOG} -g2005 -Wall -o ${core_sim} ${core_dir}/tb_core.v ${core_sources})
set_tests_properties(rtl.core.sim_build PROPERTIES LABELS "rtl;rtl_core" TIMEOUT 60
  FIXTURES_SETUP rtl_core_sim)
# ... and once with RESET_PC = 0x200 for the reset_pc test.
set(core_sim_rpc ${core_work}/tb_core_reset_pc.vvp)
add_test(NAME rtl.core.sim_build_reset_pc
  COMMAND ${MESHFORGE_IVERILOG} -g2005 -Wall -Ptb_core.RESET_PC=512 -o ${core_sim_rpc}
          ${core_dir}/tb_core.v ${core_sources})
set_tests_properties(rtl.core.sim_build_reset_pc PROPERTIES LABELS "rtl;rtl_core" TIMEOUT 60
  FIXTURES_SETUP rtl_core_sim_rpc)

# mf_core_program(<name> SRCS a.S [b.c] [MARCH m] [DEFS d,..] [PLUSARGS p,..] [EXPECT re]
#                 [SIM vvp-file FIXTURE its-fixture])
function(mf_core_program name)
  cmake_parse_arguments(P "" "MARCH;EXPECT;SIM;FIXTURE" "SRCS;DEFS;PLUSARGS" ${ARGN})
  if(NOT P_SIM)
    set(P_SIM ${core_sim})
    set(P_FIXTURE rtl_core_sim)
  endif()
  if(NOT P_MARCH)
    set(P_MARCH rv32i)
  endif()
  if(NOT P_EXPECT)
    set(P_EXPECT PASS)
  endif()
  list(JOIN P_SRCS "," srcs)
  list(JOIN P_DEFS "," defs)
  list(JOIN P_PLUSARGS "," plusargs)
  add_test(NAME rtl.core.${name}
    COMMAND ${CMAKE_COMMAND}
      -DGCC=${MESHFORGE_RISCV_GCC} -DOBJCOPY=${MESHFORGE_RISCV_OBJCOPY} -DVVP=${MESHFORGE_VVP}
      -DSIM=${P_SIM} -DDIR=${core_dir} -DWORK=${core_work} -DNAME=${name}
      -DSRCS=${srcs} -DMARCH=${P_MARCH} -DDEFS=${defs} -DPLUSARGS=${plusargs}
      -DEXPECT=${P_EXPECT} -P ${core_dir}/run.cmake)
  set_tests_properties(rtl.core.${name} PROPERTIES LABELS "rtl;rtl_core" TIMEOUT 60
    FIXTURES_REQUIRED ${P_FIXTURE})
endfunction()

# Instruction tests (assembly) and the C program, each without and with stalls.
set(seed 1)
foreach(t alu branch jump ldst x0 hazard cop system sort)
  if(t STREQUAL "sort")
    set(srcs crt0.S sort.c)
  else()
    set(srcs ${t}.S)
  endif()
  set(march rv32i)
  if(t STREQUAL "system")
    set(march rv32i_zifencei)
  endif()
  mf_core_program(${t} SRCS ${srcs} MARCH ${march})
  math(EXPR seed "${seed} + 1")
  mf_core_program(${t}_stall SRCS ${srcs} MARCH ${march} PLUSARGS +stall=40 +seed=${seed})
endforeach()

# Faults: misaligned loads / stores / jump targets and illegal instructions halt with `fault`.
set(fault_names lw_misaligned lh_misaligned sw_misaligned sh_misaligned illegal_csr
  illegal_zero jalr_misaligned illegal_mul illegal_lwu illegal_mret branch_misaligned
  jal_misaligned lhu_misaligned)
set(kind 0)
foreach(f IN LISTS fault_names)
  math(EXPR kind "${kind} + 1")
  mf_core_program(fault_${f} SRCS fault.S MARCH rv32i_zicsr DEFS KIND=${kind}
    PLUSARGS +expect_fault +stall=30 +seed=${kind})
endforeach()

# The reset vector.
mf_core_program(reset_pc SRCS reset_pc.S SIM ${core_sim_rpc} FIXTURE rtl_core_sim_rpc)

# The harness itself: a wrong result, a program that never ends, no signature: each must FAIL.
mf_core_program(selftest_wrong_result SRCS selftest.S DEFS KIND=1
  EXPECT "FAIL: tohost = 00000007")
mf_core_program(selftest_timeout SRCS selftest.S DEFS KIND=2 PLUSARGS +timeout=5000
  EXPECT "FAIL: timeout")
mf_core_program(selftest_no_signature SRCS selftest.S DEFS KIND=3
  EXPECT "FAIL: tohost = 00000000")
