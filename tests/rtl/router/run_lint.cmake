# Lint mf_router and mf_ni with verilator --lint-only -Wall at several parameter points, and
# synthesise them with Yosys at one point (read_verilog, no -sv). Invoked by
# tests/rtl/router.cmake: cmake -DVERILATOR=.. [-DYOSYS=..] -DRTL_DIR=.. -P run_lint.cmake
file(GLOB router_src ${RTL_DIR}/mf_router*.v)
set(router_src ${router_src} ${RTL_DIR}/mf_rr_arbiter.v)
set(ni_src ${RTL_DIR}/mf_ni.v ${RTL_DIR}/mf_router_fifo.v ${RTL_DIR}/mf_router_credit.v
           ${RTL_DIR}/mf_rr_arbiter.v)
set(failed 0)
# LINK_BITS VCS DEPTH ROUTING
set(points "32 1 1 0" "32 2 2 1" "64 4 4 2" "128 2 8 0" "512 1 4 2" "128 3 5 1" "2048 16 64 2")
foreach(pt IN LISTS points)
  separate_arguments(v UNIX_COMMAND "${pt}")
  list(GET v 0 lb)
  list(GET v 1 vcs)
  list(GET v 2 depth)
  list(GET v 3 routing)
  execute_process(COMMAND ${VERILATOR} --lint-only -Wall --top-module mf_router
                          -GLINK_BITS=${lb} -GVCS=${vcs} -GDEPTH=${depth} -GROUTING=${routing} ${router_src}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL 0 OR NOT "${o}${e}" STREQUAL "")
    message("FAIL: verilator lint mf_router ${pt}:\n${o}${e}")
    set(failed 1)
  endif()
  execute_process(COMMAND ${VERILATOR} --lint-only -Wall --top-module mf_ni
                          -GLINK_BITS=${lb} -GVCS=${vcs} -GDEPTH=${depth} ${ni_src}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL 0 OR NOT "${o}${e}" STREQUAL "")
    message("FAIL: verilator lint mf_ni ${pt}:\n${o}${e}")
    set(failed 1)
  endif()
  message("lint clean (LINK_BITS VCS DEPTH ROUTING = ${pt})")
endforeach()
if(YOSYS)
  list(REMOVE_DUPLICATES router_src)
  set(all ${router_src} ${RTL_DIR}/mf_ni.v)
  string(REPLACE ";" " " all_str "${all}")
  foreach(top mf_router mf_ni)
    execute_process(COMMAND ${YOSYS} -q -p "read_verilog ${all_str}; chparam -set LINK_BITS 64 -set VCS 2 -set DEPTH 4 ${top}; synth -top ${top}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
    if(NOT rc EQUAL 0 OR "${o}${e}" MATCHES "ERROR|Warning")
      message("FAIL: yosys synth -top ${top}:\n${o}${e}")
      set(failed 1)
    else()
      message("yosys synth -top ${top} (LINK_BITS 64, VCS 2, DEPTH 4) clean")
    endif()
  endforeach()
endif()
if(failed)
  message(FATAL_ERROR "lint failed")
endif()
message("PASS")
