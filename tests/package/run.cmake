# SPDX-License-Identifier: Apache-2.0
# Usage: cmake -DBUILD_DIR=… -DSOURCE_DIR=… -DWORK_DIR=… -DGENERATOR=… -DBINDIR=bin -DDATADIR=share -P run.cmake
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package consumer: '${ARGV}' failed with ${rc}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
# The default model and codebook from the prefix: through PERCHE_DATA_DIR from the build tree, and
# with no override from a program installed in the prefix's bin/ (found relative to the binary,
# though the library was configured for another prefix).
set(data ${prefix}/${DATADIR}/perche)
run(${CMAKE_COMMAND} -E env PERCHE_DATA_DIR=${data} ${WORK_DIR}/build/consumer ${data})
file(COPY ${WORK_DIR}/build/consumer DESTINATION ${prefix}/${BINDIR})
run(${CMAKE_COMMAND} -E env --unset=PERCHE_DATA_DIR ${prefix}/${BINDIR}/consumer ${data})
run(${WORK_DIR}/build/consumer_metrics)
