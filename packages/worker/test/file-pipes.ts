import path from 'node:path';

/** A file source → topic → file sink pair, as the cluster tests run them (lines as strings). */
export function filePipe(label: string, index: number, run: string, dir: string) {
  const topic = `${label}-${index}-${run}`;
  const input = path.join(dir, `in-${index}.txt`);
  const output = path.join(dir, `out-${index}.txt`);
  return {
    source: `${label}-src-${index}-${run}`,
    sink: `${label}-sink-${index}-${run}`,
    topic,
    input,
    output,
    sourceConfig: { 'connector.class': 'FileStreamSource', file: input, topic, 'value.converter': 'string' },
    sinkConfig: {
      'connector.class': 'FileStreamSink',
      topics: topic,
      file: output,
      'key.converter': 'string',
      'value.converter': 'string',
    },
  };
}
