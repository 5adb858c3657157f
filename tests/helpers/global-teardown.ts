import { dropDatabase } from './databases';
import { templateOf } from './template';

export default async () => {
  const template = templateOf();
  if (template) await dropDatabase(template);
};
