# Router / network-interface testbenches (src/rtl/verilog/mf_router*.v, mf_rr_arbiter.v, mf_ni.v).
# Each test compiles its Icarus Verilog testbench at test time and runs it
# (tests/rtl/router/run_sim.cmake): it fails unless the simulation prints PASS and no FAIL/ERROR.
find_program(MESHFORGE_YOSYS yosys)
set(MF_ROUTER_TB ${CMAKE_CURRENT_SOURCE_DIR}/router)
set(MF_ROUTER_OUT ${CMAKE_CURRENT_BINARY_DIR}/router)
file(MAKE_DIRECTORY ${MF_ROUTER_OUT})
set(MF_R ${MESHFORGE_RTL_DIR})
set(MF_ROUTER_SRC ${MF_R}/mf_router.v,${MF_R}/mf_router_input.v,${MF_R}/mf_router_fifo.v,${MF_R}/mf_router_route.v,${MF_R}/mf_router_vc_alloc.v,${MF_R}/mf_router_sw_alloc.v,${MF_R}/mf_router_xbar.v,${MF_R}/mf_router_credit.v,${MF_R}/mf_rr_arbiter.v)

# mf_router_sim(<name> <top> <sources, comma separated> [PARAMS NAME=V,..] [PLUSARGS +a=1,..])
function(mf_router_sim name top sources)
  cmake_parse_arguments(A "" "PARAMS;PLUSARGS" "" ${ARGN})
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -DIVERILOG=${MESHFORGE_IVERILOG} -DVVP=${MESHFORGE_VVP}
                   -DTOP=${top} -DOUT=${MF_ROUTER_OUT}/${name}.vvp -DSOURCES=${sources}
                   -DPARAMS=${A_PARAMS} -DPLUSARGS=${A_PLUSARGS}
                   -P ${MF_ROUTER_TB}/run_sim.cmake)
  set_tests_properties(${name} PROPERTIES LABELS rtl TIMEOUT 300)
endfunction()

# Lint (verilator -Wall at several parameter points) and Yosys synthesis.
add_test(NAME rtl.router.lint
         COMMAND ${CMAKE_COMMAND} -DVERILATOR=${MESHFORGE_VERILATOR} -DYOSYS=${MESHFORGE_YOSYS}
                 -DRTL_DIR=${MESHFORGE_RTL_DIR} -P ${MF_ROUTER_TB}/run_lint.cmake)
set_tests_properties(rtl.router.lint PROPERTIES LABELS rtl TIMEOUT 300)

# Submodule unit tests.
mf_router_sim(rtl.router.arbiter tb_rr_arbiter ${MF_ROUTER_TB}/tb_rr_arbiter.v,${MF_R}/mf_rr_arbiter.v)
mf_router_sim(rtl.router.fifo tb_router_fifo ${MF_ROUTER_TB}/tb_router_fifo.v,${MF_R}/mf_router_fifo.v)
mf_router_sim(rtl.router.route tb_router_route ${MF_ROUTER_TB}/tb_router_route.v,${MF_R}/mf_router_route.v)

# One router on its links: zero-load timing, credits, wormhole, one-flit packets.
foreach(cfg "2;4;64" "1;1;32" "3;2;128")
  list(GET cfg 0 vcs)
  list(GET cfg 1 depth)
  list(GET cfg 2 lb)
  mf_router_sim(rtl.router.single_v${vcs}_d${depth} tb_router
                ${MF_ROUTER_TB}/tb_router.v,${MF_ROUTER_SRC}
                PARAMS VCS=${vcs},DEPTH=${depth},LINK_BITS=${lb})
endforeach()

# 4 x 4 mesh of routers and NIs: uniform, transpose and hotspot traffic, scoreboard.
set(MF_MESH_SRC ${MF_ROUTER_TB}/tb_noc.v,${MF_ROUTER_TB}/tb_mesh.v,${MF_ROUTER_SRC},${MF_R}/mf_ni.v)
set(mf_alg_0 xy)
set(mf_alg_1 yx)
set(mf_alg_2 wf)
# routing, VCS, DEPTH, LINK_BITS, seed
foreach(cfg "0;1;1;64;1" "0;2;4;64;2" "0;2;1;32;3"
            "1;1;1;64;4" "1;2;4;64;5" "1;1;4;128;6"
            "2;1;1;64;7" "2;2;4;64;8" "2;4;2;64;9")
  list(GET cfg 0 alg)
  list(GET cfg 1 vcs)
  list(GET cfg 2 depth)
  list(GET cfg 3 lb)
  list(GET cfg 4 seed)
  mf_router_sim(rtl.mesh.${mf_alg_${alg}}_v${vcs}_d${depth} tb_noc ${MF_MESH_SRC}
                PARAMS ROUTING=${alg},VCS=${vcs},DEPTH=${depth},LINK_BITS=${lb},SEED=${seed},MODE=0,PATTERN=3,NPKT=8,MAX_CYCLES=20000)
endforeach()

# Zero-load latency on the idle mesh: 3 cycles per router, hops + 1 routers, + 2 (NIs).
foreach(cfg "0;2;4" "1;1;4" "2;2;1")
  list(GET cfg 0 alg)
  list(GET cfg 1 vcs)
  list(GET cfg 2 depth)
  mf_router_sim(rtl.mesh.latency_${mf_alg_${alg}} tb_noc ${MF_MESH_SRC}
                PARAMS ROUTING=${alg},VCS=${vcs},DEPTH=${depth},MODE=1,LSTRIDE=5)
endforeach()
