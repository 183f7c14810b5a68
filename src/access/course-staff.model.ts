import mongoose, { Schema, Types } from 'mongoose';

export type CourseStaffDoc = { courseSlug: string; userId: Types.ObjectId; assignedBy?: Types.ObjectId; assignedAt: Date };

/** Trainers who may edit a course and see its reports (the creator, and those an admin assigns). */
const courseStaffSchema = new Schema<CourseStaffDoc>(
  {
    courseSlug: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    assignedBy: Schema.Types.ObjectId,
    assignedAt: { type: Date, required: true, default: () => new Date() },
  },
  { collection: 'courseStaff', versionKey: false },
);
// Access checks (may this trainer touch this course?) and assignment is idempotent.
courseStaffSchema.index({ courseSlug: 1, userId: 1 }, { unique: true });
// A trainer's list of courses.
courseStaffSchema.index({ userId: 1 });

export const CourseStaff = mongoose.model<CourseStaffDoc>('CourseStaff', courseStaffSchema);
