# A small synthesis in CI: one router and one small tile through Yosys, mapped to the ASAP7 cells
# when the PDK is beside the checkout (../shared/pdk/asap7) or named by MESHFORGE_ASAP7_LIB, else
# to Yosys's generic gates. The full sweep that grounds the cost model is bench/rtl_synth/.
find_program(MESHFORGE_YOSYS yosys)
if(NOT MESHFORGE_YOSYS)
  message(WARNING "meshforge: yosys missing; the synthesis tests are not built (run scripts/setup.sh)")
  return()
endif()
set(asap7_gz ${CMAKE_SOURCE_DIR}/../shared/pdk/asap7/asap7_rvt_tt_merged.lib.gz)
set(MESHFORGE_ASAP7_LIB "$ENV{MESHFORGE_ASAP7_LIB}" CACHE FILEPATH "ASAP7 merged Liberty file (uncompressed)")
if(NOT MESHFORGE_ASAP7_LIB AND EXISTS ${asap7_gz})
  set(lib ${CMAKE_CURRENT_BINARY_DIR}/asap7_rvt_tt_merged.lib)
  if(NOT EXISTS ${lib})
    execute_process(COMMAND gzip -dc ${asap7_gz} OUTPUT_FILE ${lib})
  endif()
else()
  set(lib "${MESHFORGE_ASAP7_LIB}")
endif()
add_test(NAME rtl.synth.router
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/synth_module.sh ${MESHFORGE_YOSYS} ${MESHFORGE_RTL_DIR} mf_router
                 "LINK_BITS=32 VCS=2 DEPTH=2 ROUTING=0" ${CMAKE_CURRENT_BINARY_DIR}/synth/router "${lib}")
add_test(NAME rtl.synth.tile
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/synth_module.sh ${MESHFORGE_YOSYS} ${MESHFORGE_RTL_DIR} mf_tile
                 "VLEN=64 ROWS=1 FORMATS=16 IMEM_WORDS=256 WMEM_WORDS=8 AMEM_WORDS=64 LINK_BITS=32 VCS=2 DEPTH=2"
                 ${CMAKE_CURRENT_BINARY_DIR}/synth/tile "${lib}")
set_tests_properties(rtl.synth.router rtl.synth.tile PROPERTIES LABELS "rtl" TIMEOUT 900)
