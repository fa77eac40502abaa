# One mf_core test: build a RISC-V program, run it on tb_core (Icarus Verilog), check the verdict.
# cmake -DGCC=.. -DOBJCOPY=.. -DVVP=.. -DSIM=tb_core.vvp -DDIR=<tests/rtl/core> -DWORK=<dir>
#       -DNAME=<test> -DSRCS=a.S,b.c [-DMARCH=rv32i] [-DDEFS=KIND=1,...] [-DPLUSARGS=+stall=40,...]
#       [-DEXPECT=<regex of the verdict line>] -P run.cmake
# Passes when the simulation prints a line matching EXPECT (default: "PASS") and, when PASS is
# expected, no line starting with FAIL; when a FAIL is expected (the harness self-tests), no PASS.
foreach(v GCC OBJCOPY VVP SIM DIR WORK NAME SRCS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run.cmake: ${v} not set")
  endif()
endforeach()
if(NOT DEFINED MARCH)
  set(MARCH rv32i)
endif()
if(NOT DEFINED EXPECT)
  set(EXPECT "PASS")
endif()

string(REPLACE "," ";" srcs "${SRCS}")
set(sources)
foreach(s IN LISTS srcs)
  list(APPEND sources ${DIR}/${s})
endforeach()
set(defs)
if(DEFINED DEFS AND NOT DEFS STREQUAL "")
  string(REPLACE "," ";" dl "${DEFS}")
  foreach(d IN LISTS dl)
    list(APPEND defs -D${d})
  endforeach()
endif()
set(plusargs)
if(DEFINED PLUSARGS AND NOT PLUSARGS STREQUAL "")
  string(REPLACE "," ";" plusargs "${PLUSARGS}")
endif()

file(MAKE_DIRECTORY ${WORK})
set(elf ${WORK}/${NAME}.elf)
set(hex ${WORK}/${NAME}.hex)
execute_process(
  COMMAND ${GCC} -march=${MARCH} -mabi=ilp32 -O2 -nostdlib -ffreestanding
          -fno-tree-loop-distribute-patterns -Wall -Wextra -Werror -Wl,--no-warn-rwx-segments
          -T ${DIR}/link.ld -I${DIR} ${defs} ${sources} -lgcc -o ${elf}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling ${SRCS} failed:\n${out}")
endif()
execute_process(COMMAND ${OBJCOPY} -O verilog ${elf} ${hex}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "objcopy failed:\n${out}")
endif()

execute_process(COMMAND ${VVP} -n ${SIM} +hex=${hex} ${plusargs}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vvp exited with ${rc}")
endif()
string(REGEX MATCH "(^|\n)${EXPECT}" hit "${out}")
if(NOT hit)
  message(FATAL_ERROR "${NAME}: expected a line matching '${EXPECT}'")
endif()
if(EXPECT STREQUAL "PASS")
  if(out MATCHES "(^|\n)FAIL")
    message(FATAL_ERROR "${NAME}: FAIL")
  endif()
elseif(out MATCHES "(^|\n)PASS")
  message(FATAL_ERROR "${NAME}: PASS where a failure was expected")
endif()
